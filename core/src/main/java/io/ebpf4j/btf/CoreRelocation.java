package io.ebpf4j.btf;

import java.util.Objects;

/**
 * A CO-RE relocation record of {@code .BTF.ext} ({@code struct bpf_core_relo}): the instruction at
 * {@link #insnOffset()} holds a value computed against the program's own BTF (an offset, a size, an existence
 * flag...) that must be recomputed against the kernel's. {@link CoreResolver#resolve} does that.
 *
 * @param insnOffset byte offset of the instruction to patch (see {@link FuncInfo#insnOffset()})
 * @param type the local root type: the struct or union a field access starts from, the type asked about, or the enum
 * @param typeId {@link #type()}'s id in the program's BTF; the value of a {@link CoreKind#TYPE_ID_LOCAL} relocation
 * @param accessor the access string: member and array indexes separated by colons, like {@code "0:1:2"} (the leading
 *     0 dereferences the root pointer); {@code "0"} for type-based kinds; the enumerator's index for enum kinds
 * @param kind what is asked
 */
public record CoreRelocation(int insnOffset, Type type, int typeId, String accessor, CoreKind kind) {
    public CoreRelocation {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(accessor, "accessor");
        Objects.requireNonNull(kind, "kind");
    }

    /** Index of the instruction to patch ({@link #insnOffset()} / 8). */
    public int instruction() {
        return insnOffset / 8;
    }

    public CoreRelocation withInsnOffset(int newOffset) {
        return new CoreRelocation(newOffset, type, typeId, accessor, kind);
    }

    @Override
    public String toString() {
        return kind + " " + Types.describe(type) + " [" + typeId + "] " + accessor + " at insn " + instruction();
    }
}
