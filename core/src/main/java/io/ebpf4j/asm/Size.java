package io.ebpf4j.asm;

/** Width of a memory access: byte, half word, word, double word. */
public enum Size {
    B(0x10, 1),
    H(0x08, 2),
    W(0x00, 4),
    DW(0x18, 8);

    private final int encoding;
    private final int bytes;

    Size(int encoding, int bytes) {
        this.encoding = encoding;
        this.bytes = bytes;
    }

    /** Number of bytes accessed: 1, 2, 4 or 8. */
    public int bytes() {
        return bytes;
    }

    /** The size bits of an opcode (mask {@code 0x18}). */
    int encoding() {
        return encoding;
    }

    /** The size encoded in {@code opCode}. Every value of the two size bits is a valid size. */
    static Size ofOpCode(int opCode) {
        switch (opCode & 0x18) {
            case 0x10:
                return B;
            case 0x08:
                return H;
            case 0x00:
                return W;
            default:
                return DW;
        }
    }

    /** The C type name the kernel's disassembler uses for an unsigned access of this size, e.g. {@code u32}. */
    String unsignedType() {
        return "u" + bytes * 8;
    }

    /** The C type name of a sign-extending access of this size, e.g. {@code s16}. */
    String signedType() {
        return "s" + bytes * 8;
    }
}
