package io.ebpf4j.testing;

import io.ebpf4j.internal.sys.Arch;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.NativeBuffer;

/** Runs code on one CPU ({@code sched_setaffinity} of the calling thread), e.g. to send all perf output to one ring. */
public final class CpuAffinity {
    private static final int MASK_BYTES = 128;

    private CpuAffinity() {}

    public static void run(int cpu, Runnable task) {
        boolean x86 = Arch.current() == Arch.X86_64;
        long setAffinity = x86 ? 203 : 122;
        long getAffinity = x86 ? 204 : 123;
        NativeBuffer previous = new NativeBuffer(MASK_BYTES).clear(MASK_BYTES);
        if (LibC.syscall(getAffinity, 0, MASK_BYTES, previous.address(), 0, 0) < 0) {
            throw new IllegalStateException("sched_getaffinity failed: errno " + LibC.errno());
        }
        NativeBuffer only = new NativeBuffer(MASK_BYTES).clear(MASK_BYTES);
        only.buffer().put(cpu / 8, (byte) (1 << (cpu % 8)));
        if (LibC.syscall(setAffinity, 0, MASK_BYTES, only.address(), 0, 0) < 0) {
            throw new IllegalStateException("sched_setaffinity to CPU " + cpu + " failed: errno " + LibC.errno());
        }
        try {
            task.run();
        } finally {
            LibC.syscall(setAffinity, 0, MASK_BYTES, previous.address(), 0, 0);
        }
    }
}
