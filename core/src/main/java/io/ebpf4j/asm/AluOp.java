package io.ebpf4j.asm;

/**
 * Two-operand ALU operations ({@code dst op= src}), each of which makes its instructions in both widths and with both
 * kinds of source: {@code AluOp.ADD.imm(R2, -4)} is {@code r2 += -4}, {@code AluOp.MOV.reg32(R0, R1)} is
 * {@code w0 = w1}. The signed division and modulo of ISA v4 share the opcode of their unsigned twins and are told
 * apart by an offset of 1. Negation, byte swaps and sign-extending moves have their own builder methods and are not
 * listed here.
 */
public enum AluOp {
    ADD(0x00, 0, "+="),
    SUB(0x10, 0, "-="),
    MUL(0x20, 0, "*="),
    DIV(0x30, 0, "/="),
    SDIV(0x30, 1, "s/="),
    OR(0x40, 0, "|="),
    AND(0x50, 0, "&="),
    LSH(0x60, 0, "<<="),
    RSH(0x70, 0, ">>="),
    MOD(0x90, 0, "%="),
    SMOD(0x90, 1, "s%="),
    XOR(0xa0, 0, "^="),
    MOV(0xb0, 0, "="),
    ARSH(0xc0, 0, "s>>=");

    private final int code;
    private final int offset;
    private final String operator;

    AluOp(int code, int offset, String operator) {
        this.code = code;
        this.offset = offset;
        this.operator = operator;
    }

    /** {@code dst op= imm} on the whole register; a {@link #MOV} sign-extends {@code imm} to 64 bits. */
    public Instruction imm(Register dst, int imm) {
        return immediate(OpCodes.CLASS_ALU64, dst, imm);
    }

    /** {@code dst op= src} on whole registers. */
    public Instruction reg(Register dst, Register src) {
        return register(OpCodes.CLASS_ALU64, dst, src);
    }

    /** {@code w_dst op= imm} on the low half, zeroing the upper half. */
    public Instruction imm32(Register dst, int imm) {
        return immediate(OpCodes.CLASS_ALU, dst, imm);
    }

    /** {@code w_dst op= w_src} on the low halves, zeroing the upper half of {@code dst}. */
    public Instruction reg32(Register dst, Register src) {
        return register(OpCodes.CLASS_ALU, dst, src);
    }

    private Instruction immediate(int opClass, Register dst, int imm) {
        return Instruction.of(opClass | code | OpCodes.SOURCE_K, dst, Register.R0, offset, imm);
    }

    private Instruction register(int opClass, Register dst, Register src) {
        return Instruction.of(opClass | code | OpCodes.SOURCE_X, dst, src, offset, 0);
    }

    /** The operation bits of the opcode (mask {@code 0xf0}). */
    int code() {
        return code;
    }

    /** The offset field that selects this operation among those sharing its code. */
    int offset() {
        return offset;
    }

    /** The operator in the kernel's disassembly, e.g. {@code +=}. */
    String operator() {
        return operator;
    }

    /** The operation with opcode bits {@code code} and offset field {@code offset}, or {@code null}. */
    static AluOp of(int code, int offset) {
        AluOp unsigned = null;
        for (AluOp op : values()) {
            if (op.code == code) {
                if (op.offset == 1 && offset == 1) {
                    return op;
                }
                if (op.offset == 0) {
                    unsigned = op;
                }
            }
        }
        return unsigned;
    }
}
