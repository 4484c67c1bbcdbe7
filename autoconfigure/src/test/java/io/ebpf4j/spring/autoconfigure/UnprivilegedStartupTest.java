package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.testing.RequiresKernel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts {@link UnprivilegedApplication} in a JVM whose capabilities were all dropped (setpriv empties the bounding
 * set, so even root gets none), as an application deployed without CAP_BPF would run: with failure-mode 'warn' it
 * starts and reports the collection as failed; with 'fail' Spring Boot prints the failure analysis.
 */
@RequiresKernel
class UnprivilegedStartupTest {

    @Test
    void startsWithTheCollectionMarkedFailedUnderWarn() throws Exception {
        Result result = runWithoutCapabilities("--ebpf.failure-mode=warn");
        assertThat(result.exitCode).as(result.output).isZero();
        assertThat(result.output).contains("collection counter: FAILED: ").contains("CAP_BPF");
    }

    @Test
    void failsWithAnAnalysisNamingTheCapabilityUnderFail() throws Exception {
        Result result = runWithoutCapabilities("--ebpf.failure-mode=fail");
        assertThat(result.exitCode).as(result.output).isNotZero();
        assertThat(result.output).contains("APPLICATION FAILED TO START")
                .contains("BPF collection 'counter' (class path resource [bpf/openat_counter.bpf.o]) needs CAP_BPF")
                .contains("docker run --cap-add BPF")
                .contains("securityContext: { capabilities: { add: [BPF");
    }

    private static Result runWithoutCapabilities(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("setpriv", "--bounding-set=-all", "--inh-caps=-all",
                "--ambient-caps=-all", ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), UnprivilegedApplication.class.getName(),
                "--ebpf.collections.counter.object=classpath:bpf/openat_counter.bpf.o"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited in time").isTrue();
        return new Result(process.exitValue(), output);
    }

    private record Result(int exitCode, String output) {}
}
