package io.ebpf4j.fuzz;

import java.lang.management.ManagementFactory;

/**
 * What a parser may spend on one input: at most one second, and at most 64 times the input's size plus a constant
 * in allocated bytes. Inputs that exceed it are failures, as crashes and undocumented exceptions are.
 */
public final class ParserBudget {
    static final long MAX_NANOS = 1_000_000_000L;
    static final long ALLOCATION_FACTOR = 64;
    static final long ALLOCATION_CONSTANT = 4L << 20;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private ParserBudget() {}

    /**
     * Runs {@code parse} on {@code input} and fails if it takes too long or allocates too much. The first run is
     * not measured: class loading and one-time initialisation would count against the first input.
     */
    public static void check(byte[] input, Runnable parse) {
        long warmUp = System.nanoTime();
        parse.run();
        if (System.nanoTime() - warmUp > 10 * MAX_NANOS) {
            throw new AssertionError("parsing " + input.length + " bytes took more than 10 s");
        }
        long thread = Thread.currentThread().getId();
        long allocatedBefore = THREADS.getThreadAllocatedBytes(thread);
        long start = System.nanoTime();
        parse.run();
        long elapsed = System.nanoTime() - start;
        long allocated = THREADS.getThreadAllocatedBytes(thread) - allocatedBefore;
        if (elapsed > MAX_NANOS) {
            throw new AssertionError("parsing " + input.length + " bytes took " + elapsed / 1_000_000 + " ms");
        }
        long limit = ALLOCATION_FACTOR * input.length + ALLOCATION_CONSTANT;
        if (allocated > limit) {
            throw new AssertionError("parsing " + input.length + " bytes allocated " + allocated + " bytes (limit "
                    + limit + ")");
        }
    }
}
