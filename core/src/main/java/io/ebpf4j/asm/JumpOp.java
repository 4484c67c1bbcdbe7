package io.ebpf4j.asm;

/**
 * Comparisons of conditional jumps: {@code if dst <op> src goto target}, where {@code src} is a register or an
 * immediate. Unsigned unless the name says signed ({@code JS*}); {@link #JSET} jumps if {@code dst & src} is non-zero.
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
