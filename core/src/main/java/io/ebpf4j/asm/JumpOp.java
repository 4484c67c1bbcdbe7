package io.ebpf4j.asm;

import java.util.Objects;

/**
 * Comparisons of conditional jumps: {@code if dst <op> src goto target}, where {@code src} is a register or an
 * immediate. Unsigned unless the name says signed ({@code JS*}); {@link #JSET} jumps if {@code dst & src} is non-zero.
 * Each makes its jumps comparing whole registers or their low halves: {@code JumpOp.JEQ.imm(R0, 0, "miss")} is
 * {@code if r0 == 0 goto miss}, {@code JumpOp.JSLT.reg32(R1, R2, "top")} is {@code if w1 s< w2 goto top}. The target
 * is a label, which becomes a distance when the instructions are marshalled.
 */
public enum JumpOp {
    /** {@code ==} */
    JEQ(0x10, "=="),
    /** unsigned {@code >} */
    JGT(0x20, ">"),
    /** unsigned {@code >=} */
    JGE(0x30, ">="),
    /** {@code dst & src != 0} */
    JSET(0x40, "&"),
    /** {@code !=} */
    JNE(0x50, "!="),
    /** signed {@code >} */
    JSGT(0x60, "s>"),
    /** signed {@code >=} */
    JSGE(0x70, "s>="),
    /** unsigned {@code <} */
    JLT(0xa0, "<"),
    /** unsigned {@code <=} */
    JLE(0xb0, "<="),
    /** signed {@code <} */
    JSLT(0xc0, "s<"),
    /** signed {@code <=} */
    JSLE(0xd0, "s<=");

    private final int code;
    private final String operator;

    JumpOp(int code, String operator) {
        this.code = code;
        this.operator = operator;
    }

    /** {@code if dst <op> imm goto label}, comparing 64 bits. */
    public Instruction imm(Register dst, int imm, String label) {
        return toLabel(OpCodes.CLASS_JMP | code | OpCodes.SOURCE_K, dst, Register.R0, imm, label);
    }

    /** {@code if dst <op> src goto label}, comparing 64 bits. */
    public Instruction reg(Register dst, Register src, String label) {
        return toLabel(OpCodes.CLASS_JMP | code | OpCodes.SOURCE_X, dst, src, 0, label);
    }

    /** {@code if w_dst <op> imm goto label}, comparing the low 32 bits. */
    public Instruction imm32(Register dst, int imm, String label) {
        return toLabel(OpCodes.CLASS_JMP32 | code | OpCodes.SOURCE_K, dst, Register.R0, imm, label);
    }

    /** {@code if w_dst <op> w_src goto label}, comparing the low 32 bits. */
    public Instruction reg32(Register dst, Register src, String label) {
        return toLabel(OpCodes.CLASS_JMP32 | code | OpCodes.SOURCE_X, dst, src, 0, label);
    }

    /** A jump of any kind (conditional or not) whose target is the instruction named {@code label}. */
    static Instruction toLabel(int opCode, Register dst, Register src, int imm, String label) {
        return Instruction.of(opCode, dst, src, 0, imm).withReference(Objects.requireNonNull(label, "label"));
    }

    /** The operation bits of the opcode (mask {@code 0xf0}). */
    int code() {
        return code;
    }

    /** The comparison in the kernel's disassembly, e.g. {@code s>=}. */
    String operator() {
        return operator;
    }

    /** The comparison with opcode bits {@code code}, or {@code null} if it is not a conditional jump. */
    static JumpOp of(int code) {
        for (JumpOp op : values()) {
            if (op.code == code) {
                return op;
            }
        }
        return null;
    }
}
