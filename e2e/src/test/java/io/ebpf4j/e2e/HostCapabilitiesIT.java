package io.ebpf4j.e2e;

import io.ebpf4j.testing.KernelExtension;
import io.ebpf4j.testing.PrometheusText;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The least privilege the samples need on a kernel that has CAP_BPF and CAP_PERFMON (5.8+), what a current container
 * runtime or Kubernetes grants with {@code capabilities.add: [BPF, PERFMON]} (or {@code NET_ADMIN} for network
 * hooks), as each sample's README documents it. The engine of this
 * machine (Docker 20.10) cannot grant them, so the test gives them on the host instead: the packaged jar runs as root
 * under {@code setpriv} with a bounding set of exactly those capabilities, so that no other is effective. bpffs and
 * tracefs are already mounted (the kernel-test extension mounts them), as they are on hosts whose mounts a container
 * binds, so no CAP_SYS_ADMIN is needed.
 */
@RequiresKernel
@ExtendWith(HostCapabilitiesIT.CapBpfAndSetpriv.class)
class HostCapabilitiesIT {
    /**
     * Skips (with the kernel tests' prefix) on kernels without CAP_BPF or without setpriv. A condition rather than
     * an assumption in {@code @BeforeAll}: failsafe reports a class aborted there as no test at all, not as skipped.
     */
    static final class CapBpfAndSetpriv implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            int last;
            try {
                // readAllLines, not readString: procfs files report size 0 and readString may return a prefix.
                last = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/kernel/cap_last_cap")).get(0).trim());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (last < Capabilities.BITS.get("CAP_BPF")) {
                return ConditionEvaluationResult.disabled(KernelExtension.SKIP_PREFIX + " this kernel has no CAP_BPF "
                        + "(cap_last_cap is " + last + "; CAP_BPF and CAP_PERFMON came with Linux 5.8)");
            }
            if (!Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
                return ConditionEvaluationResult.disabled(KernelExtension.SKIP_PREFIX + " /usr/bin/setpriv "
                        + "(util-linux) is missing");
            }
            return ConditionEvaluationResult.enabled("CAP_BPF known; setpriv present");
        }
    }

    /** setpriv leaving exactly {@code capabilities} (setpriv names: bpf, perfmon) to root's next program. */
    private static List<String> only(String... capabilities) {
        String set = "-all" + (capabilities.length == 0 ? "" : ",+" + String.join(",+", capabilities));
        return List.of("/usr/bin/setpriv", "--bounding-set=" + set, "--inh-caps=" + set);
    }

    private static SampleProcess sample(List<String> launcher) {
        return SampleProcess.start("syscall-metrics", Samples.jar("syscall-metrics"), launcher,
                Map.of("SYSCALLS_TARGET_PID", Samples.thisProcess()));
    }

    @Test
    void runsWithOnlyCapBpfAndCapPerfmon() {
        try (SampleProcess sample = sample(only("bpf", "perfmon"))) {
            sample.awaitHealthUp(Duration.ofMinutes(2));
            assertThat(sample.capabilities().effective()).as("%s", sample.capabilities())
                    .isEqualTo(1L << Capabilities.BITS.get("CAP_BPF") | 1L << Capabilities.BITS.get("CAP_PERFMON"));
            assertThat(sample.health().at("/components/ebpf/components/syscalls/details/status").asText())
                    .isEqualTo("ATTACHED");

            double opens = sample.scrape().value("ebpf_syscalls_total", "syscall", "openat").orElse(0.0);
            SystemCalls.failingOpens(100);
            await("opens counted").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> {
                        PrometheusText after = sample.scrape();
                        assertThat(after.value("ebpf_syscalls_total", "syscall", "openat").orElse(0.0) - opens)
                                .isGreaterThanOrEqualTo(100);
                        assertThat(after.value("ebpf_syscall_errors_total", "errno", "ENOENT")).isPresent();
                    });
        }
    }

    /**
     * The other samples with the capabilities their READMEs give: attached and healthy with exactly those, and
     * failing at start-up with an analysis naming the one taken away.
     */
    @ParameterizedTest(name = "{0} with {2} and {3}")
    @CsvSource({
        "net-traffic, traffic, bpf, net_admin, CAP_NET_ADMIN",
        "latency,     latency, bpf, perfmon,   CAP_PERFMON",
        "exec-events, execs,   bpf, perfmon,   CAP_PERFMON"})
    void otherSamplesRunWithTheCapabilitiesTheirReadmesGive(String name, String collection, String bpf,
            String second, String secondName) {
        try (SampleProcess sample = SampleProcess.start(name, Samples.jar(name), only(bpf, second), Map.of())) {
            sample.awaitHealthUp(Duration.ofMinutes(2));
            assertThat(sample.health().at("/components/ebpf/components/" + collection + "/details/status").asText())
                    .isEqualTo("ATTACHED");
        }
        try (SampleProcess sample = SampleProcess.start(name, Samples.jar(name), only(bpf), Map.of())) {
            assertThat(sample.awaitExit(Duration.ofMinutes(2))).as("exit status").isNotZero();
            assertThat(sample.log()).contains("APPLICATION FAILED TO START").contains(secondName);
        }
    }

    @Test
    void withoutCapPerfmonStartupFailsNamingIt() {
        try (SampleProcess sample = sample(only("bpf"))) {
            assertThat(sample.awaitExit(Duration.ofMinutes(2))).as("exit status").isNotZero();
            assertThat(sample.log()).contains("APPLICATION FAILED TO START")
                    .contains("load program 'count_syscalls'")
                    .contains("this process lacks CAP_PERFMON")
                    .contains("docker run --cap-add PERFMON");
        }
    }

    @Test
    void withoutCapBpfStartupFailsNamingIt() {
        try (SampleProcess sample = sample(only("perfmon"))) {
            assertThat(sample.awaitExit(Duration.ofMinutes(2))).as("exit status").isNotZero();
            assertThat(sample.log()).contains("APPLICATION FAILED TO START")
                    .contains("needs CAP_BPF, which this process lacks.")
                    .contains("docker run --cap-add BPF");
        }
    }
}
