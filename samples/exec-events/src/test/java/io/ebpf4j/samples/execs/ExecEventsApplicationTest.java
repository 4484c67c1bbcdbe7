package io.ebpf4j.samples.execs;

import io.ebpf4j.samples.execs.ExecsObjects.ExecEvent;
import io.ebpf4j.testing.PrometheusText;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample as a user runs it: programs this test starts show up in the counter at /actuator/prometheus, decoded in
 * /execs/recent, and on the server-sent event stream /execs/stream.
 */
@RequiresKernel
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExecEventsApplicationTest {
    /** The kernel reports the file name as the caller passed it to execve, symbolic links unresolved. */
    private static final String TRUE = "/bin/true";
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @Value("${local.server.port}")
    int port;

    @Autowired
    JsonMapper json;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build();
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(request(path), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    private double executionsOfTrue() throws Exception {
        return PrometheusText.parse(get("/actuator/prometheus")).value("ebpf_execs_total", "filename", TRUE)
                .orElse(0.0);
    }

    /** Runs /bin/true {@code times} times, one after the other; returns the processes' ids. */
    private static List<Integer> runTrue(int times) throws Exception {
        List<Integer> pids = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            Process process = new ProcessBuilder(TRUE).start();
            assertThat(process.waitFor()).isZero();
            pids.add(Math.toIntExact(process.pid()));
        }
        return pids;
    }

    /** The event /bin/true should cause: run by this JVM's user, its command name is the file's. */
    private static ExecEvent trueRunAs(int pid) throws Exception {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        return new ExecEvent(pid, uid, "true", TRUE);
    }

    @Test
    void countsExecutionsByFileName() throws Exception {
        double before = executionsOfTrue();
        runTrue(5);
        // Event counters publish their counts about twice a second.
        await().atMost(DEADLINE).until(() -> executionsOfTrue() - before >= 5);
        assertThat(PrometheusText.parse(get("/actuator/prometheus")).type("ebpf_execs_total")).contains("counter");
    }

    @Test
    void keepsTheRecentExecutionsDecoded() throws Exception {
        List<Integer> pids = runTrue(3);
        List<ExecEvent> expected = new ArrayList<>();
        for (int pid : pids) {
            expected.add(trueRunAs(pid));
        }
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(json.readValue(get("/execs/recent"), ExecEvent[].class))
                .containsSubsequence(expected));
    }

    @Test
    void readsTheProgramsGlobalThroughTheGeneratedObjectsBean() throws Exception {
        runTrue(1);
        assertThat(get("/execs/dropped")).isEqualTo("0");
    }

    @Test
    void streamsNewExecutionsAsServerSentEvents() throws Exception {
        // Returns once the response headers arrived: the stream is subscribed from then on.
        HttpResponse<Stream<String>> response = http.send(request("/execs/stream"),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/event-stream"));
        try (Stream<String> lines = response.body()) {
            int pid = runTrue(1).get(0);
            CompletableFuture<ExecEvent> received = CompletableFuture.supplyAsync(() -> lines
                    .filter(line -> line.startsWith("data:"))
                    .map(line -> json.readValue(line.substring("data:".length()), ExecEvent.class))
                    // the JDK starts a process by executing its jspawnhelper, which then executes the program
                    .filter(event -> event.pid() == pid && event.filename().equals(TRUE))
                    .findFirst().orElseThrow());
            assertThat(received.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isEqualTo(trueRunAs(pid));
        }
    }
}
