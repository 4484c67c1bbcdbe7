package io.ebpf4j.asm;

/**
 * Operations of {@code BPF_STX | BPF_ATOMIC} instructions, which the instruction's immediate selects. The
 * read-modify-write forms exist without and with {@code BPF_FETCH} (0x01), which returns the old value in the source
 * register.
 */
enum AtomicOp {
    ADD(0x00, "add"),
    OR(0x40, "or"),
    AND(0x50, "and"),
    XOR(0xa0, "xor"),
    FETCH_ADD(0x01, "add"),
    FETCH_OR(0x41, "or"),
    FETCH_AND(0x51, "and"),
    FETCH_XOR(0xa1, "xor"),
    XCHG(0xe1, "xchg"),
    CMPXCHG(0xf1, "cmpxchg"),
    LOAD_ACQUIRE(0x100, "load_acquire"),
    STORE_RELEASE(0x110, "store_release");

    private final int imm;
    private final String operation;

    AtomicOp(int imm, String operation) {
        this.imm = imm;
        this.operation = operation;
    }

    /** The immediate that selects this operation. */
    int imm() {
        return imm;
    }

    /** The operation's name in the kernel's disassembly, e.g. {@code add} in {@code atomic64_fetch_add}. */
    String operation() {
        return operation;
    }

    /** Whether this is a plain read-modify-write without fetch, printed as {@code lock *(u64 *)(r1 +0) += r2}. */
    boolean isLockedUpdate() {
        return imm < 0x100 && (imm & 0x0f) == 0;
    }

    /** Whether only {@link Size#W} and {@link Size#DW} are allowed (all but load-acquire and store-release). */
    boolean isReadModifyWrite() {
        return imm < 0x100;
    }

    /** The operation selected by {@code imm}, or {@code null}. */
    static AtomicOp of(long imm) {
        for (AtomicOp op : values()) {
            if (op.imm == imm) {
                return op;
            }
        }
        return null;
    }
}
