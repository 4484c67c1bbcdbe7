package io.ebpf4j.spring.metrics;

import io.ebpf4j.BpfProgram;
import io.ebpf4j.TestRun;
import io.ebpf4j.internal.sys.Arch;
import io.ebpf4j.internal.sys.LibC;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Driving the programs of {@code bpf/metrics.bpf.o} from a test. */
final class KernelFixtures {
    private KernelFixtures() {}

    /** The syscall number of {@code name} on this machine, from the generated tables. */
    static long syscall(String name) {
        String[] table = Arch.current() == Arch.AARCH64 ? SyscallTables.AARCH64 : SyscallTables.X86_64;
        int number = Arrays.asList(table).indexOf(name);
        if (number < 0) {
            throw new IllegalArgumentException("no syscall " + name);
        }
        return number;
    }

    /** The calling thread's id. */
    static int threadId() {
        return (int) LibC.syscall(syscall("gettid"), 0, 0, 0, 0, 0);
    }

    /** Makes {@code n} getppid(2) calls on the calling thread. */
    static void getppid(int n) {
        long number = syscall("getppid");
        for (int i = 0; i < n; i++) {
            LibC.syscall(number, 0, 0, 0, 0, 0);
        }
    }

    /** A packet for the {@code observe} XDP program: an Ethernet header, then its observation. */
    static byte[] observation(int port, int proto, int op, long latencyMicros) {
        ByteBuffer b = ByteBuffer.allocate(14 + 16).order(ByteOrder.nativeOrder());
        b.position(14);
        b.putShort((short) port).put((byte) proto).put((byte) 0).putInt(op).putLong(latencyMicros);
        return b.array();
    }

    /** Runs {@code observe} {@code times} times on one observation. */
    static void observe(BpfProgram observe, int times, int port, int proto, int op, long latencyMicros) {
        observe.testRun(TestRun.of(observation(port, proto, op, latencyMicros)).withRepeat(times));
    }
}
