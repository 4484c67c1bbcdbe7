package io.ebpf4j.asm;

import java.util.Arrays;
import java.util.Objects;

/**
 * One BPF instruction: the raw fields of the kernel's {@code struct bpf_insn} plus metadata that lets instructions be
 * moved, inserted and linked before their final offsets are known. Immutable; the {@code with*} methods return
 * modified copies.
 *
 * <p>A 64-bit immediate load ({@code ld_imm64}, opcode {@code 0x18}) is a single {@code Instruction} that occupies two
 * 8-byte slots; its {@link #constant()} is the whole 64-bit value. Every other instruction occupies one slot and its
 * constant is the sign-extended 32-bit immediate.
 *
 * <p>The fields are kept as encoded: signed division is opcode {@code DIV} with offset 1, a sign-extending move is
 * {@code MOV} with offset 8, 16 or 32, an atomic operation is {@code STX|ATOMIC} with the operation in the constant.
 * {@link #toString()} prints the kernel verifier's syntax.
 */
public final class Instruction {
    /** {@code ld_imm64} source: the constant is a map file descriptor (the kernel loads the map's address). */
    public static final int PSEUDO_MAP_FD = 1;
    /**
     * {@code ld_imm64} source: the address of a map's value. The constant's low 32 bits are the map file descriptor,
     * its high 32 bits the offset into the value.
     */
    public static final int PSEUDO_MAP_VALUE = 2;
    /** {@code ld_imm64} source: the constant is the BTF id of a kernel variable whose address is loaded. */
    public static final int PSEUDO_BTF_ID = 3;
    /** {@code ld_imm64} source: the address of a BPF function (a callback); the constant is its slot distance. */
    public static final int PSEUDO_FUNC = 4;
    /** {@code ld_imm64} source: like {@link #PSEUDO_MAP_FD}, with an index into the fd array passed at load time. */
    public static final int PSEUDO_MAP_IDX = 5;
    /** {@code ld_imm64} source: like {@link #PSEUDO_MAP_VALUE}, with an index into the fd array passed at load time. */
    public static final int PSEUDO_MAP_IDX_VALUE = 6;
    /** {@code call} source: a bpf-to-bpf call; the constant is the callee's slot offset relative to the next slot. */
    public static final int PSEUDO_CALL = 1;
    /** {@code call} source: a kernel function (kfunc) call; the constant is its BTF id. */
    public static final int PSEUDO_KFUNC_CALL = 2;

    private final int opCode;
    private final Register dst;
    private final Register src;
    private final short offset;
    private final long constant;
    private final String symbol;
    private final String label;
    private final String reference;
    private final String source;
    /** Loader annotations (BTF func info, line info, CO-RE relocations), at most one per class. */
    private final Object[] metadata;

    private static final Object[] NO_METADATA = new Object[0];

    private Instruction(int opCode, Register dst, Register src, short offset, long constant,
            String symbol, String label, String reference, String source, Object[] metadata) {
        if (opCode < 0 || opCode > 0xff) {
            throw new IllegalArgumentException("opcode 0x" + Integer.toHexString(opCode) + " does not fit in 8 bits");
        }
        this.opCode = opCode;
        this.dst = Objects.requireNonNull(dst, "dst");
        this.src = Objects.requireNonNull(src, "src");
        this.offset = offset;
        this.constant = constant;
        this.symbol = symbol;
        this.label = label;
        this.reference = reference;
        this.source = source;
        this.metadata = metadata;
    }

    /**
     * An instruction from its raw fields, without metadata. Most code builds instructions with
     * {@link Instructions#builder()} instead.
     *
     * @param opCode   the 8-bit opcode
     * @param offset   the signed 16-bit offset field
     * @param constant the immediate (sign-extended 32-bit), or the full 64-bit value of an {@code ld_imm64}
     * @throws IllegalArgumentException if the opcode or the offset does not fit its field
     */
    public static Instruction of(int opCode, Register dst, Register src, int offset, long constant) {
        return new Instruction(opCode, dst, src, checkedOffset(offset), constant, null, null, null, null, NO_METADATA);
    }

    static short checkedOffset(int offset) {
        if (offset < Short.MIN_VALUE || offset > Short.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + offset + " does not fit in the signed 16-bit offset field");
        }
        return (short) offset;
    }

    /** The raw 8-bit opcode. */
    public int opCode() {
        return opCode;
    }

    /** The destination register. */
    public Register dst() {
        return dst;
    }

    /**
     * The source register; for {@code ld_imm64} and {@code call} the number of a pseudo source such as
     * {@link #PSEUDO_MAP_FD} or {@link #PSEUDO_CALL}.
     */
    public Register src() {
        return src;
    }

    /** The signed 16-bit offset field (a jump distance in slots, a memory offset in bytes, or an opcode modifier). */
    public short offset() {
        return offset;
    }

    /** The immediate, sign-extended from 32 bits, or the full 64-bit value of an {@code ld_imm64}. */
    public long constant() {
        return constant;
    }

    /** The name of the function this instruction starts, or {@code null}. */
    public String symbol() {
        return symbol;
    }

    /**
     * The name of the jump target this instruction is, or {@code null}. Labels mark places inside a function that
     * jumps refer to; unlike {@link #symbol()} they do not start a function.
     */
    public String label() {
        return label;
    }

    /**
     * The name this instruction refers to, or {@code null}: a jump's target label or symbol, a bpf-to-bpf call's
     * callee, the callback of a {@link #PSEUDO_FUNC} load, the map or variable of a map load, a kfunc's name.
     * Jumps, calls and function loads whose target is in the same {@link Instructions} are resolved when it is
     * marshalled; other references are left to the loader.
     */
    public String reference() {
        return reference;
    }

    /** The source line this instruction was compiled from (from BTF line info), or {@code null}. */
    public String source() {
        return source;
    }

    /** Number of 8-byte slots the instruction occupies: 2 for {@code ld_imm64}, otherwise 1. */
    public int slots() {
        return isLoadImm64() ? 2 : 1;
    }

    /** Whether this is the 16-byte 64-bit immediate load ({@code BPF_LD | BPF_IMM | BPF_DW}). */
    public boolean isLoadImm64() {
        return opCode == OpCodes.LOAD_IMM64;
    }

    /** Whether this is an arithmetic or logic instruction, 32- or 64-bit ({@code BPF_ALU}, {@code BPF_ALU64}). */
    public boolean isAlu() {
        int opClass = OpCodes.opClass(opCode);
        return opClass == OpCodes.CLASS_ALU || opClass == OpCodes.CLASS_ALU64;
    }

    /** Whether the operand of an ALU or jump instruction is the source register rather than the constant. */
    public boolean hasRegisterSource() {
        return OpCodes.source(opCode) == OpCodes.SOURCE_X;
    }

    /**
     * Whether this reads or writes memory at a register plus {@link #offset()} ({@code BPF_LDX}, {@code BPF_ST},
     * {@code BPF_STX}, atomics included); its width is {@link #size()}.
     */
    public boolean isMemoryAccess() {
        int opClass = OpCodes.opClass(opCode);
        return opClass == OpCodes.CLASS_LDX || opClass == OpCodes.CLASS_ST || opClass == OpCodes.CLASS_STX;
    }

    /** The width of a memory access; meaningful for {@link #isMemoryAccess()} instructions. */
    public Size size() {
        return Size.ofOpCode(opCode);
    }

    /** A copy of this memory access with another width, everything else kept. */
    public Instruction withSize(Size size) {
        return withOpCode((opCode & ~0x18) | size.encoding());
    }

    /** Whether this is a {@code call} of any kind: helper, bpf-to-bpf or kfunc. */
    public boolean isCall() {
        return opCode == OpCodes.CALL;
    }

    /** Whether this calls a kernel helper by number, see {@link Helper}. */
    public boolean isHelperCall() {
        return isCall() && src == Register.R0;
    }

    /** Whether this calls another BPF function ({@link #PSEUDO_CALL}). */
    public boolean isBpfToBpfCall() {
        return isCall() && src.number() == PSEUDO_CALL;
    }

    /** Whether this calls a kernel function by BTF id ({@link #PSEUDO_KFUNC_CALL}). */
    public boolean isKfuncCall() {
        return isCall() && src.number() == PSEUDO_KFUNC_CALL;
    }

    /**
     * Whether this transfers control inside the function: {@code goto}, {@code gotol}, {@code gotox},
     * {@code may_goto} or a conditional jump. Calls and {@code exit} are not jumps.
     */
    public boolean isJump() {
        if (!OpCodes.isJumpClass(opCode)) {
            return false;
        }
        int operation = OpCodes.operation(opCode);
        return operation != OpCodes.JMP_CALL && operation != OpCodes.JMP_EXIT;
    }

    /** Whether this jumps to a fixed distance (every jump but the register-indirect {@code gotox}). */
    boolean isRelativeJump() {
        return isJump() && opCode != OpCodes.JA_INDIRECT;
    }

    /** Whether the jump distance is the 32-bit constant ({@code gotol}) rather than the 16-bit offset. */
    boolean isLongJump() {
        return opCode == OpCodes.JA32;
    }

    /** Whether this is {@code exit}. */
    public boolean isExit() {
        return opCode == OpCodes.EXIT;
    }

    /**
     * Whether this loads a map or map value pointer: an {@code ld_imm64} with source {@link #PSEUDO_MAP_FD},
     * {@link #PSEUDO_MAP_VALUE}, {@link #PSEUDO_MAP_IDX} or {@link #PSEUDO_MAP_IDX_VALUE}.
     */
    public boolean isLoadFromMap() {
        if (!isLoadImm64()) {
            return false;
        }
        int pseudo = src.number();
        return pseudo == PSEUDO_MAP_FD || pseudo == PSEUDO_MAP_VALUE
                || pseudo == PSEUDO_MAP_IDX || pseudo == PSEUDO_MAP_IDX_VALUE;
    }

    /** Whether this loads the address of a BPF function (a callback): an {@code ld_imm64} with {@link #PSEUDO_FUNC}. */
    public boolean isFunctionReference() {
        return isLoadImm64() && src.number() == PSEUDO_FUNC;
    }

    /** A copy that starts the function {@code symbol} ({@code null} for none). */
    public Instruction withSymbol(String symbol) {
        return new Instruction(opCode, dst, src, offset, constant, symbol, label, reference, source, metadata);
    }

    /** A copy that is the jump target {@code label} ({@code null} for none). */
    public Instruction withLabel(String label) {
        return new Instruction(opCode, dst, src, offset, constant, symbol, label, reference, source, metadata);
    }

    /** A copy that refers to {@code reference} ({@code null} for none). */
    public Instruction withReference(String reference) {
        return new Instruction(opCode, dst, src, offset, constant, symbol, label, reference, source, metadata);
    }

    /** A copy annotated with the source line {@code source} ({@code null} for none). */
    public Instruction withSource(String source) {
        return new Instruction(opCode, dst, src, offset, constant, symbol, label, reference, source, metadata);
    }

    /**
     * A copy with another constant. Outside {@code ld_imm64} it must fit in a signed 32-bit immediate by the time
     * the instruction is marshalled.
     */
    public Instruction withConstant(long constant) {
        return new Instruction(opCode, dst, src, offset, constant, symbol, label, reference, source, metadata);
    }

    /** A copy with another offset field. */
    public Instruction withOffset(short offset) {
        return new Instruction(opCode, dst, src, offset, constant, symbol, label, reference, source, metadata);
    }

    /** A copy with another source register (or pseudo source). */
    public Instruction withSrc(Register src) {
        return new Instruction(opCode, dst, src, offset, constant, symbol, label, reference, source, metadata);
    }

    /** A copy with another destination register. */
    public Instruction withDst(Register dst) {
        return new Instruction(opCode, dst, src, offset, constant, symbol, label, reference, source, metadata);
    }

    /**
     * A copy with another opcode.
     *
     * @throws IllegalArgumentException if {@code opCode} does not fit in 8 bits
     */
    public Instruction withOpCode(int opCode) {
        return new Instruction(opCode, dst, src, offset, constant, symbol, label, reference, source, metadata);
    }

    /**
     * The metadata of type {@code kind} attached by a loader (e.g. the BTF function an instruction starts, its line
     * info, a CO-RE relocation), or {@code null}. Metadata travels with the instruction through copies and linking.
     */
    public <T> T metadata(Class<T> kind) {
        for (Object m : metadata) {
            if (kind.isInstance(m)) {
                return kind.cast(m);
            }
        }
        return null;
    }

    /** A copy carrying {@code value} as its metadata of {@code value}'s class (replacing an earlier one). */
    public Instruction withMetadata(Object value) {
        Objects.requireNonNull(value, "value");
        Object[] copy = new Object[metadata.length + 1];
        int n = 0;
        for (Object m : metadata) {
            if (m.getClass() != value.getClass()) {
                copy[n++] = m;
            }
        }
        copy[n++] = value;
        return new Instruction(opCode, dst, src, offset, constant, symbol, label, reference, source,
                Arrays.copyOf(copy, n));
    }

    /** A copy without metadata of type {@code kind}. */
    public Instruction withoutMetadata(Class<?> kind) {
        Object[] kept = Arrays.stream(metadata).filter(m -> !kind.isInstance(m)).toArray();
        return kept.length == metadata.length ? this
                : new Instruction(opCode, dst, src, offset, constant, symbol, label, reference, source, kept);
    }

    /**
     * One line of disassembly in the kernel verifier's syntax, e.g. {@code r1 = *(u32 *)(r10 -4)}. References are
     * shown by name where the kernel shows the value they resolve to: {@code if r0 == 0x0 goto miss},
     * {@code r1 = map[counts]}.
     */
    @Override
    public String toString() {
        return Disassembler.format(this);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Instruction)) {
            return false;
        }
        Instruction other = (Instruction) o;
        return opCode == other.opCode && dst == other.dst && src == other.src && offset == other.offset
                && constant == other.constant && Objects.equals(symbol, other.symbol)
                && Objects.equals(label, other.label) && Objects.equals(reference, other.reference)
                && Objects.equals(source, other.source) && Arrays.equals(metadata, other.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(opCode, dst, src, offset, constant, symbol, label, reference, source, metadata);
    }
}
