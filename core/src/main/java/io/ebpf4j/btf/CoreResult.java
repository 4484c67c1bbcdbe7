package io.ebpf4j.btf;

import java.util.Objects;

/**
 * What a {@link CoreRelocation} resolves to against the target BTF, computed as libbpf's
 * {@code bpf_core_calc_relo_insn} does. The loader patches the instruction at {@link CoreRelocation#insnOffset()}
 * with it, following libbpf's {@code bpf_core_patch_insn}:
 *
 * <ol>
 *   <li>{@link #poison()}: the relocation cannot be satisfied (a field or enumerator that the target lacks). Replace
 *   the instruction by {@code call} of the invalid helper {@link #POISON_HELPER} ({@code code = BPF_JMP|BPF_CALL},
 *   registers and offset 0, {@code imm = POISON_HELPER}); for an {@code ld_imm64}, poison both halves. If the
 *   program guards the access (e.g. with {@code bpf_core_field_exists}) the verifier drops it as dead code;
 *   otherwise it fails with "invalid func unknown#195896080", which is how libbpf users recognise it.</li>
 *   <li>ALU/ALU64 with an immediate source: if {@link #validate()}, the instruction's {@code imm} must equal
 *   {@link #localValue()}, else the object does not match its BTF; set {@code imm} to {@link #targetValue()}.</li>
 *   <li>LDX/ST/STX: if {@link #validate()}, {@code off} must equal {@link #localValue()}; {@link #targetValue()}
 *   must fit a signed 16-bit offset; set {@code off}. When {@link #localFieldSize()} and {@link #targetFieldSize()}
 *   differ, the access size (the instruction's size bits, which must currently be {@code localFieldSize}) becomes
 *   {@code targetFieldSize}, unless {@link #unsafeSizeChange()}: then poison the instruction instead, as the value
 *   read would be wrong (sizes may only change for pointers and unsigned integers).</li>
 *   <li>{@code ld_imm64}: if {@link #validate()}, the 64-bit constant must equal {@link #localValue()}; set it to
 *   {@link #targetValue()}.</li>
 * </ol>
 *
 * @param relocation the relocation this resolves
 * @param poison whether the instruction must be poisoned (rule 1); the values are then meaningless
 * @param localValue the value the compiler computed from the program's own BTF, which the instruction holds
 * @param targetValue the value for the target kernel
 * @param validate whether the instruction's current value must be checked against {@link #localValue()} (false for
 *     bitfield offsets, which compilers compute differently, and for type ids, which linking may renumber)
 * @param localFieldSize for {@link CoreKind#FIELD_BYTE_OFFSET} of a non-bitfield field: the size in bytes of the
 *     memory access the compiler emitted (the field's, or an array field's element's); otherwise 0
 * @param targetFieldSize the same size in the target
 * @param unsafeSizeChange the sizes differ and the access cannot be resized safely (rule 3)
 * @param targetTypeId the id of the matched target type in {@link #targetSpec()} (for field kinds the root struct or
 *     union), 0 when there was no match or no target search ({@link CoreKind#TYPE_ID_LOCAL})
 * @param targetSpec the BTF {@link #targetTypeId()} belongs to (vmlinux or a module's split BTF), or {@code null}
 * @param targetName {@code "vmlinux"} or the module's name, empty when {@link #targetSpec()} is {@code null}
 */
public record CoreResult(CoreRelocation relocation, boolean poison, long localValue, long targetValue,
        boolean validate, int localFieldSize, int targetFieldSize, boolean unsafeSizeChange, int targetTypeId,
        Spec targetSpec, String targetName) {

    /** The helper number a poisoned instruction calls: 0xbad2310, "bad relo" (libbpf's choice). */
    public static final int POISON_HELPER = 0xbad2310;

    public CoreResult {
        Objects.requireNonNull(relocation, "relocation");
        Objects.requireNonNull(targetName, "targetName");
    }

    /** A short account for logs and for annotating the patched instruction. */
    @Override
    public String toString() {
        String what = relocation.kind() + " " + Types.describe(relocation.type()) + " " + relocation.accessor();
        if (poison) {
            return what + ": poisoned (not found in the target)";
        }
        return what + ": " + localValue + " -> " + targetValue
                + (targetSpec == null ? ""
                        : " (" + targetName + " " + CoreResolver.describe(targetSpec, targetTypeId) + ")");
    }
}
