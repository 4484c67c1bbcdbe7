package io.ebpf4j.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import io.ebpf4j.testing.PrometheusText;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The syscall-metrics sample deployed as a container: a plain Debian image, the host's JDK lent read-only, the
 * packaged jar copied in, no --privileged. Docker 20.10 does not know CAP_BPF and CAP_PERFMON by name
 * ({@code invalid CapAdd: unknown capability: "CAP_BPF"}), so the one capability added is SYS_ADMIN, which the
 * kernel accepts in their place and which also lets the application mount bpffs and tracefs inside the container
 * ({@code ebpf.mount-file-systems}). The metrics are read from the host through the mapped port. The failure tests
 * check that without the capability the application stops at startup and its failure analysis names what is missing.
 */
@RequiresContainerEngine
class SampleInContainerIT {
    private static final DockerImageName DEBIAN = DockerImageName.parse("local/debian:bookworm");
    private static final String JAR = "/app/syscall-metrics.jar";
    private static final Duration STARTUP = Duration.ofMinutes(2);
    /**
     * The capabilities Docker gives a container's root by default: CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID,
     * SETUID, SETPCAP, NET_BIND_SERVICE, NET_RAW, SYS_CHROOT, MKNOD, AUDIT_WRITE, SETFCAP.
     */
    private static final long DOCKER_DEFAULT_CAPABILITIES = 0xa80425fbL;

    /** The sample in the Debian image with the host JDK; {@code capabilities} are added to Docker's defaults. */
    private static GenericContainer<?> sample(List<Capability> capabilities, String... args) {
        List<String> command = new ArrayList<>(List.of(HostJdk.java(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-jar", JAR));
        command.addAll(List.of(args));
        return new GenericContainer<>(DEBIAN)
                .withCopyFileToContainer(MountableFile.forHostPath(Samples.jar("syscall-metrics")), JAR)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withBinds(HostJdk.binds())
                        .withCapAdd(capabilities.toArray(Capability[]::new)))
                .withCommand(command.toArray(String[]::new));
    }

    @Test
    void runsWithSysAdminAsItsOnlyAddedCapabilityAndServesTheHostsSystemCallsToTheHost() throws Exception {
        // The container has its own pid namespace, but tracepoints see every task: the number given as target is
        // this JVM's pid on the host, as the kernel knows it. ('self' would be 1, the JVM's pid in the container.)
        try (GenericContainer<?> container = sample(List.of(Capability.SYS_ADMIN))
                .withEnv("SYSCALLS_TARGET_PID", Samples.thisProcess())
                .withExposedPorts(8080)
                .waitingFor(Wait.forHttp("/actuator/health").forPort(8080).forStatusCode(200)
                        .withStartupTimeout(STARTUP))) {
            container.start();

            assertThat(container.getCurrentContainerInfo().getHostConfig().getPrivileged()).isFalse();
            Capabilities capabilities = Capabilities.fromProcStatus(
                    container.execInContainer("cat", "/proc/1/status").getStdout());
            assertThat(capabilities.effective()).as("%s", capabilities)
                    .isEqualTo(DOCKER_DEFAULT_CAPABILITIES | 1L << Capabilities.BITS.get("CAP_SYS_ADMIN"));
            assertThat(container.getLogs()).contains("Mounted bpffs at /sys/fs/bpf")
                    .contains("Mounted tracefs at /sys/kernel/tracing");

            URI base = URI.create("http://" + container.getHost() + ":" + container.getMappedPort(8080));
            JsonNode health = Http.json(Http.getOk(base.resolve("/actuator/health")));
            assertThat(health.at("/components/ebpf/status").asText()).isEqualTo("UP");
            assertThat(health.at("/components/ebpf/components/syscalls/details/status").asText())
                    .isEqualTo("ATTACHED");

            URI metrics = base.resolve("/actuator/prometheus");
            PrometheusText before = PrometheusText.parse(Http.getOk(metrics));
            double opens = before.value("ebpf_syscalls_total", "syscall", "openat").orElse(0.0);
            double missing = before.value("ebpf_syscall_errors_total", "errno", "ENOENT").orElse(0.0);
            SystemCalls.failingOpens(100);
            await("the host JVM's opens counted in the container").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                        PrometheusText after = PrometheusText.parse(Http.getOk(metrics));
                        assertThat(after.type("ebpf_syscalls_total")).contains("counter");
                        assertThat(after.value("ebpf_syscalls_total", "syscall", "openat").orElse(0.0) - opens)
                                .isGreaterThanOrEqualTo(100);
                        assertThat(after.value("ebpf_syscall_errors_total", "errno", "ENOENT").orElse(0.0)
                                - missing).isGreaterThanOrEqualTo(100);
                    });
        }
    }

    @Test
    void withoutAddedCapabilitiesStartupFailsNamingCapSysAdminForTheMounts() {
        String log = failedStartup(sample(List.of()));
        assertThat(log).contains("APPLICATION FAILED TO START")
                .contains("ebpf4j needs CAP_SYS_ADMIN, which this process lacks.")
                .contains("mount bpf at /sys/fs/bpf: EPERM")
                .contains("docker run --cap-add SYS_ADMIN");
    }

    @Test
    void withoutAddedCapabilitiesAndNoMountsStartupFailsNamingCapBpf() {
        String log = failedStartup(sample(List.of(), "--ebpf.mount-file-systems=false"));
        assertThat(log).contains("APPLICATION FAILED TO START")
                .contains("BPF collection 'syscalls'")
                .contains("needs CAP_BPF, which this process lacks.")
                .contains("docker run --cap-add BPF");
    }

    /** Runs the container until it exits, expects a failure exit status and returns its output. */
    private static String failedStartup(GenericContainer<?> sample) {
        try (GenericContainer<?> container = sample.withStartupCheckStrategy(new UntilExited().withTimeout(STARTUP))) {
            container.start();
            String log = container.getLogs();
            Long status = container.getCurrentContainerInfo().getState().getExitCodeLong();
            assertThat(status).as("exit status; output:\n%s", log).isNotNull().isNotZero();
            return log;
        }
    }

    /** Startup is over when the container has stopped, whatever its exit status (these tests check it). */
    private static final class UntilExited extends StartupCheckStrategy {
        @Override
        public StartupStatus checkStartupState(DockerClient client, String containerId) {
            return Boolean.TRUE.equals(getCurrentState(client, containerId).getRunning())
                    ? StartupStatus.NOT_YET_KNOWN : StartupStatus.SUCCESSFUL;
        }
    }
}
