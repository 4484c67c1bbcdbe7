package io.ebpf4j.asm;

/**
 * Fields of the 8-bit opcode, as laid out by the kernel UAPI ({@code linux/bpf_common.h}, {@code linux/bpf.h}).
 * The low three bits are the class; for ALU and jump classes bit 3 selects the source (immediate or register) and
 * the high four bits the operation; for load and store classes bits 3–4 are the size and the high three the mode.
 */
final class OpCodes {
    static final int CLASS_LD = 0x00;
    static final int CLASS_LDX = 0x01;
    static final int CLASS_ST = 0x02;
    static final int CLASS_STX = 0x03;
    static final int CLASS_ALU = 0x04;
    static final int CLASS_JMP = 0x05;
    static final int CLASS_JMP32 = 0x06;
    static final int CLASS_ALU64 = 0x07;

    static final int SOURCE_K = 0x00;
    static final int SOURCE_X = 0x08;

    static final int MODE_IMM = 0x00;
    static final int MODE_ABS = 0x20;
    static final int MODE_IND = 0x40;
    static final int MODE_MEM = 0x60;
    static final int MODE_MEMSX = 0x80;
    static final int MODE_ATOMIC = 0xc0;

    static final int ALU_NEG = 0x80;
    static final int ALU_MOV = 0xb0;
    static final int ALU_END = 0xd0;

    static final int JMP_JA = 0x00;
    static final int JMP_CALL = 0x80;
    static final int JMP_EXIT = 0x90;
    static final int JMP_JCOND = 0xe0;

    /** {@code BPF_LD | BPF_IMM | BPF_DW}: the only instruction that occupies two slots. */
    static final int LOAD_IMM64 = CLASS_LD | MODE_IMM | 0x18;
    static final int CALL = CLASS_JMP | JMP_CALL | SOURCE_K;
    static final int EXIT = CLASS_JMP | JMP_EXIT | SOURCE_K;
    static final int JA = CLASS_JMP | JMP_JA | SOURCE_K;
    /** {@code gotol}: an unconditional jump whose target is the 32-bit immediate, not the 16-bit offset. */
    static final int JA32 = CLASS_JMP32 | JMP_JA | SOURCE_K;
    /** {@code gotox}: an indirect jump to the address in the destination register. */
    static final int JA_INDIRECT = CLASS_JMP | JMP_JA | SOURCE_X;
    static final int JCOND = CLASS_JMP | JMP_JCOND | SOURCE_K;

    private OpCodes() {
    }

    static int opClass(int opCode) {
        return opCode & 0x07;
    }

    static int source(int opCode) {
        return opCode & 0x08;
    }

    /** The operation of an ALU or jump opcode. */
    static int operation(int opCode) {
        return opCode & 0xf0;
    }

    /** The mode of a load or store opcode. */
    static int mode(int opCode) {
        return opCode & 0xe0;
    }

    static boolean isJumpClass(int opCode) {
        int opClass = opClass(opCode);
        return opClass == CLASS_JMP || opClass == CLASS_JMP32;
    }
}
