package io.ebpf4j.spring.metrics;

import io.ebpf4j.spring.events.EbpfEventsAutoConfiguration;

import io.ebpf4j.BpfProgram;
import io.ebpf4j.TestRun;
import io.ebpf4j.internal.sys.Arch;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.spring.autoconfigure.EbpfAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** The metrics stack over a Prometheus registry, and driving the programs of {@code bpf/metrics.bpf.o} from a test. */
final class KernelFixtures {
    private KernelFixtures() {}

    /** The starter with metrics published to a Prometheus registry, maps read on every scrape. */
    static ApplicationContextRunner metricsApplication() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(EbpfAutoConfiguration.class, EbpfEventsAutoConfiguration.class,
                        MetricsAutoConfiguration.class, PrometheusMetricsExportAutoConfiguration.class,
                        EbpfMetricsAutoConfiguration.class))
                .withPropertyValues("ebpf.metrics.min-refresh=0s");
    }

    /**
     * {@link #metricsApplication()} with {@code bpf/metrics.bpf.o} as collection {@code sys}: its raw tracepoint
     * counts the calling thread's syscalls, {@code observe} is left for the test to run.
     */
    static ApplicationContextRunner metricsCollection() {
        return metricsApplication().withPropertyValues(
                "ebpf.collections.sys.object=classpath:bpf/metrics.bpf.o",
                "ebpf.collections.sys.constants.target_tid=" + threadId(),
                "ebpf.collections.sys.programs.observe.attach=none");
    }

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
