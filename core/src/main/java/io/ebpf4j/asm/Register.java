package io.ebpf4j.asm;

/**
 * The eleven BPF registers. {@link #R0} holds return values, {@link #R1}–{@link #R5} carry call arguments and are
 * clobbered by calls, {@link #R6}–{@link #R9} survive calls, and {@link #R10} is the read-only frame pointer.
 *
 * <p>In {@code ld_imm64} and {@code call} instructions the source register field does not name a register but a
 * pseudo source (see {@link Instruction#PSEUDO_MAP_FD} and friends); {@link #of(int)} maps those numbers too.
 */
public enum Register {
    R0, R1, R2, R3, R4, R5, R6, R7, R8, R9,
    /** The frame pointer: read-only, points just past the top of the program's 512-byte stack. */
    R10;

    private static final Register[] BY_NUMBER = values();

    /** The register's number as encoded in an instruction (0–10). */
    public int number() {
        return ordinal();
    }

    /**
     * The register with number {@code n}.
     *
     * @throws IllegalArgumentException if {@code n} is not in 0–10
     */
    public static Register of(int n) {
        if (n < 0 || n >= BY_NUMBER.length) {
            throw new IllegalArgumentException("no BPF register r" + n + " (valid: r0 to r10)");
        }
        return BY_NUMBER[n];
    }
}
