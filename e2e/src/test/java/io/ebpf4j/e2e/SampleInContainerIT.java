package io.ebpf4j.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Volume;
import io.ebpf4j.testing.PrometheusText;
import io.ebpf4j.testing.RequiresKernel;

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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The syscall-metrics sample deployed as a container: a plain Debian image, the host's JDK lent read-only, the
 * packaged jar copied in, no --privileged, every capability dropped and one added. Docker 20.10 does not know CAP_BPF
 * and CAP_PERFMON by name ({@code invalid CapAdd: unknown capability: "CAP_BPF"}), so that one is SYS_ADMIN, which the
 * kernel accepts in their place and which also lets the application mount bpffs and tracefs inside the container
 * ({@code ebpf.mount-file-systems}). The metrics are read from the host through the mapped port. The failure tests
 * check that without it the application stops at startup and its failure analysis names what is missing.
 */
@RequiresContainerEngine
class SampleInContainerIT {
    private static final DockerImageName DEBIAN = DockerImageName.parse("local/debian:bookworm");
    private static final String JAR = "/app/syscall-metrics.jar";
    private static final Duration STARTUP = Duration.ofMinutes(2);

    /**
     * The sample in the Debian image with the host JDK, the jar copied in, every capability dropped
     * ({@code --cap-drop ALL}) and then {@code capabilities} added. {@code binds} are added to the JDK's.
     */
    private static GenericContainer<?> sample(List<Capability> capabilities, List<Bind> binds, String... args) {
        List<String> command = new ArrayList<>(List.of(HostJdk.java(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-jar", JAR));
        command.addAll(List.of(args));
        List<Bind> allBinds = new ArrayList<>(HostJdk.binds());
        allBinds.addAll(binds);
        return new GenericContainer<>(DEBIAN)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withBinds(allBinds)
                        .withCapDrop(Capability.ALL).withCapAdd(capabilities.toArray(Capability[]::new)))
                .withCommand(command.toArray(String[]::new));
    }

    private static GenericContainer<?> sample(List<Capability> capabilities, String... args) {
        return sample(capabilities, List.of(), args)
                .withCopyFileToContainer(MountableFile.forHostPath(Samples.jar("syscall-metrics")), JAR);
    }

    private static Capabilities capabilitiesOfPid1(GenericContainer<?> container) throws Exception {
        return Capabilities.fromProcStatus(container.execInContainer("cat", "/proc/1/status").getStdout());
    }

    /** Scrapes from the host, makes 100 failing opens, and waits until the container's counters show them. */
    private static void countsTheHostJvmsFailingOpens(URI base) {
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
                    assertThat(after.value("ebpf_syscall_errors_total", "errno", "ENOENT").orElse(0.0) - missing)
                            .isGreaterThanOrEqualTo(100);
                });
    }

    @Test
    void runsWithSysAdminAsItsOnlyCapabilityAndServesTheHostsSystemCallsToTheHost() throws Exception {
        // The container has its own pid namespace, but tracepoints see every task: the number given as target is
        // this JVM's pid on the host, as the kernel knows it. ('self' would be 1, the JVM's pid in the container.)
        try (GenericContainer<?> container = sample(List.of(Capability.SYS_ADMIN))
                .withEnv("SYSCALLS_TARGET_PID", Samples.thisProcess())
                .withExposedPorts(8080)
                .waitingFor(Wait.forHttp("/actuator/health").forPort(8080).forStatusCode(200)
                        .withStartupTimeout(STARTUP))) {
            container.start();

            assertThat(container.getCurrentContainerInfo().getHostConfig().getPrivileged()).isFalse();
            Capabilities capabilities = capabilitiesOfPid1(container);
            assertThat(capabilities.effective()).as("%s", capabilities)
                    .isEqualTo(1L << Capabilities.BITS.get("CAP_SYS_ADMIN"));
            assertThat(container.getLogs()).contains("Mounted bpffs at /sys/fs/bpf")
                    .contains("Mounted tracefs at /sys/kernel/tracing");

            URI base = URI.create("http://" + container.getHost() + ":" + container.getMappedPort(8080));
            JsonNode health = Http.json(Http.getOk(base.resolve("/actuator/health")));
            assertThat(health.at("/components/ebpf/status").asText()).isEqualTo("UP");
            assertThat(health.at("/components/ebpf/components/syscalls/details/status").asText())
                    .isEqualTo("ATTACHED");
            countsTheHostJvmsFailingOpens(base);
        }
    }

    /**
     * As docs/deployment.md's DaemonSet runs it: read-only root file system, a writable /tmp (JNA unpacks its native
     * library there, so it must allow exec: Docker's --tmpfs is noexec unless told otherwise), the host's bpffs and
     * (read-only) tracefs bound so that nothing is mounted, the jar bound read-only.
     */
    @Test
    @RequiresKernel // the host's bpffs and tracefs, mounted by the kernel-test extension when missing
    void runsWithAReadOnlyRootAndTheHostsFileSystemsWithoutMountingAnything() throws Exception {
        List<Bind> binds = List.of(
                new Bind(Samples.jar("syscall-metrics").toString(), new Volume(JAR), AccessMode.ro),
                new Bind("/sys/fs/bpf", new Volume("/sys/fs/bpf")),
                new Bind("/sys/kernel/tracing", new Volume("/sys/kernel/tracing"), AccessMode.ro));
        try (GenericContainer<?> container = sample(List.of(Capability.SYS_ADMIN), binds)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withReadonlyRootfs(true))
                .withTmpFs(Map.of("/tmp", "rw,exec"))
                .withEnv("SYSCALLS_TARGET_PID", Samples.thisProcess())
                .withEnv("MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE", "health,prometheus")
                .withExposedPorts(8080)
                .waitingFor(Wait.forHttp("/actuator/health").forPort(8080).forStatusCode(200)
                        .withStartupTimeout(STARTUP))) {
            container.start();

            assertThat(container.getCurrentContainerInfo().getHostConfig().getReadonlyRootfs()).isTrue();
            assertThat(container.getLogs()).doesNotContain("Mounted bpffs").doesNotContain("Mounted tracefs");
            URI base = URI.create("http://" + container.getHost() + ":" + container.getMappedPort(8080));
            assertThat(Http.get(base.resolve("/actuator/ebpf")).statusCode()).as("ebpf endpoint not exposed")
                    .isEqualTo(404);
            assertThat(Http.get(base.resolve("/actuator/health/readiness")).statusCode()).isEqualTo(200);
            countsTheHostJvmsFailingOpens(base);
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
