package io.ebpf4j.asm;

/**
 * Two-operand ALU operations ({@code dst op= src}). The signed division and modulo of ISA v4 share the opcode of their
 * unsigned twins and are told apart by an offset of 1. Negation, byte swaps and sign-extending moves have their own
 * builder methods and are not listed here.
 */
enum AluOp {
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
