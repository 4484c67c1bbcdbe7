package io.ebpf4j;

import java.util.Objects;

/**
 * Input of {@link BpfProgram#testRun(TestRun)} ({@code BPF_PROG_RUN}): the packet or data the program sees, its
 * context, how often to run it.
 *
 * @param data input data (a packet for network programs), may be empty
 * @param dataOutSize room for output data, 0 for none
 * @param context input context (e.g. {@code struct __sk_buff}), may be empty
 * @param contextOutSize room for the output context, 0 for none
 * @param repeat times to run (0 and 1 both mean once)
 * @param flags {@code BPF_F_TEST_*} flags
 * @param cpu CPU to run on (with {@code BPF_F_TEST_RUN_ON_CPU})
 */
public record TestRun(byte[] data, int dataOutSize, byte[] context, int contextOutSize, int repeat, int flags,
        int cpu) {
    public TestRun {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(context, "context");
        if (dataOutSize < 0 || contextOutSize < 0 || repeat < 0) {
            throw new IllegalArgumentException("sizes and repeat must not be negative");
        }
    }

    /** Runs once on {@code data}, with room for the same amount of output. */
    public static TestRun of(byte[] data) {
        return new TestRun(data, data.length, new byte[0], 0, 1, 0, 0);
    }

    public TestRun withRepeat(int repeat) {
        return new TestRun(data, dataOutSize, context, contextOutSize, repeat, flags, cpu);
    }

    public TestRun withContext(byte[] context, int contextOutSize) {
        return new TestRun(data, dataOutSize, context, contextOutSize, repeat, flags, cpu);
    }

    /** What the run returned. */
    public record Result(int returnValue, long durationNs, byte[] dataOut, byte[] contextOut) {
    }
}
