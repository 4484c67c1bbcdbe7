package io.ebpf4j.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.ebpf4j.testing.PrometheusText;

import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A sample's packaged jar running as a child process of the test JVM, on a free port of the loopback interface, its
 * output in a temporary log file. {@link #close()} stops it (and a shutdown hook does if the test JVM exits first).
 */
final class SampleProcess implements AutoCloseable {
    private final String name;
    private final ChildProcess child;
    private final Process process;
    private final Path log;
    private final int port;

    private SampleProcess(String name, ChildProcess child, Path log, int port) {
        this.name = name;
        this.child = child;
        this.process = child.process();
        this.log = log;
        this.port = port;
    }

    /**
     * Starts {@code java -jar <jar> --server.port=<free port> args...}, prefixed by {@code launcher} (e.g. setpriv
     * and its options), with {@code environment} added to this JVM's.
     */
    static SampleProcess start(String name, Path jar, List<String> launcher, Map<String, String> environment,
            String... args) {
        int port = Ports.free();
        List<String> command = new ArrayList<>(launcher);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small and quick to start on a 2-core machine; the samples' work is in the kernel.
        command.addAll(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
                "--server.port=" + port, "--server.address=127.0.0.1"));
        command.addAll(List.of(args));
        try {
            Path log = Files.createTempFile("ebpf4j-e2e-" + name + "-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            return new SampleProcess(name, ChildProcess.start(name, builder, log), log, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Waits until /actuator/health answers UP, failing at once (with the log) if the process exits. */
    SampleProcess awaitHealthUp(Duration timeout) {
        try {
            await(name + " health UP").atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError(name + " exited with status " + process.exitValue() + " before it was "
                            + "healthy; its output:\n" + log());
                }
                try {
                    HttpResponse<String> response = Http.get(uri("/actuator/health"));
                    return response.statusCode() == 200
                            && "UP".equals(Http.json(response.body()).path("status").asText());
                } catch (IOException notListeningYet) {
                    return false;
                }
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(name + " was not healthy within " + timeout + "; its output:\n" + log(), e);
        }
        return this;
    }

    /** Waits for the process to exit by itself and returns its exit status. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still runs after " + timeout + "; its output:\n" + log());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    JsonNode health() {
        return Http.json(Http.getOk(uri("/actuator/health")));
    }

    PrometheusText scrape() {
        return PrometheusText.parse(Http.getOk(uri("/actuator/prometheus")));
    }

    /** Everything the process printed so far. */
    String log() {
        return child.log();
    }

    /** The process's capability sets, from /proc/PID/status. */
    Capabilities capabilities() {
        try {
            // readAllLines, not readString: procfs files report size 0 and readString may return a prefix.
            return Capabilities.fromProcStatus(
                    String.join("\n", Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            child.close();
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a temp file left behind
            }
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", port " + port + ")";
    }
}
