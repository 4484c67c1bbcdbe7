package io.ebpf4j.samples.syscalls;

import io.ebpf4j.testing.PrometheusText;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample as a user runs it: loaded and attached at startup, its counters served at /actuator/prometheus. */
@RequiresKernel
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"SYSCALLS_TARGET_PID=self", "ebpf.metrics.min-refresh=0s"})
class SyscallMetricsApplicationTest {
    @Value("${local.server.port}")
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    private PrometheusText scrape() throws Exception {
        return PrometheusText.parse(get("/actuator/prometheus"));
    }

    @Test
    void countsThisJvmsSystemCallsByNameAndItsErrorsByErrno() throws Exception {
        PrometheusText before = scrape();
        double opens = before.value("ebpf_syscalls_total", "syscall", "openat").orElse(0.0);
        double missing = before.value("ebpf_syscall_errors_total", "errno", "ENOENT").orElse(0.0);
        for (int i = 0; i < 100; i++) {
            try {
                Files.readAllBytes(Path.of("/nonexistent/ebpf4j-sample-" + i));
            } catch (NoSuchFileException expected) {
                // each attempt is a failed openat
            }
        }
        PrometheusText after = scrape();
        assertThat(after.type("ebpf_syscalls_total")).contains("counter");
        assertThat(after.value("ebpf_syscalls_total", "syscall", "openat").orElseThrow() - opens)
                .isGreaterThanOrEqualTo(100);
        assertThat(after.value("ebpf_syscall_errors_total", "errno", "ENOENT").orElseThrow() - missing)
                .isGreaterThanOrEqualTo(100);
        assertThat(after.value("ebpf_syscalls_by_process_total", "comm", "java")).isPresent();
        assertThat(after.samples("ebpf_syscalls_total")).allSatisfy(s -> assertThat(s.labels())
                .containsEntry("collection", "syscalls").containsKey("syscall"));
    }

    @Test
    void theEndpointAndHealthShowTheAttachedCollection() throws Exception {
        assertThat(get("/actuator/health")).contains("\"ebpf\"").contains("UP");
        assertThat(get("/actuator/ebpf")).contains("count_syscalls").contains("syscalls_total");
    }
}
