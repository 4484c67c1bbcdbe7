package io.ebpf4j.e2e;

import com.fasterxml.jackson.databind.JsonNode;

import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus server (the binary of Debian's package {@code prometheus}), started by hand with a generated
 * configuration, its storage in a temporary directory and its web server on a free loopback port. It scrapes each
 * {@link Target} every second. {@link #close()} stops it and deletes the directory.
 */
final class PrometheusServer implements AutoCloseable {
    /** A scrape job: one Spring Boot application's /actuator/prometheus. */
    record Target(String job, int port) {}

    private final ChildProcess child;
    private final Process process;
    private final Path directory;
    private final int port;

    private PrometheusServer(ChildProcess child, Path directory, int port) {
        this.child = child;
        this.process = child.process();
        this.directory = directory;
        this.port = port;
    }

    /** The prometheus binary: $PROMETHEUS_BINARY, else the first {@code prometheus} on PATH. */
    static Optional<Path> binary() {
        String configured = System.getenv("PROMETHEUS_BINARY");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        return Stream.concat(Stream.of(path.split(":")), Stream.of("/usr/bin")).filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "prometheus")).filter(Files::isExecutable).findFirst();
    }

    static PrometheusServer start(Path binary, List<Target> targets) {
        Path directory = null;
        try {
            directory = Files.createTempDirectory("ebpf4j-e2e-prometheus-");
            StringBuilder config = new StringBuilder("""
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                    """);
            for (Target target : targets) {
                config.append("  - job_name: ").append(target.job()).append('\n')
                        .append("    metrics_path: /actuator/prometheus\n")
                        .append("    static_configs:\n")
                        .append("      - targets: ['127.0.0.1:").append(target.port()).append("']\n");
            }
            Files.writeString(directory.resolve("prometheus.yml"), config);
            int port = Ports.free();
            ProcessBuilder builder = new ProcessBuilder(binary.toString(),
                    "--config.file=" + directory.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + directory.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--web.console.templates=" + directory.resolve("consoles"),
                    "--web.console.libraries=" + directory.resolve("console_libraries"));
            PrometheusServer server = new PrometheusServer(
                    ChildProcess.start("prometheus", builder, directory.resolve("prometheus.log")), directory, port);
            try {
                server.awaitReady(Duration.ofSeconds(60));
            } catch (RuntimeException | Error e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            if (directory != null) {
                deleteRecursively(directory);
            }
            throw new UncheckedIOException("cannot start " + binary, e);
        }
    }

    private void awaitReady(Duration timeout) {
        try {
            await("prometheus ready").atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError("prometheus exited with status " + process.exitValue() + ":\n" + log());
                }
                try {
                    return Http.get(uri("/-/ready")).statusCode() == 200;
                } catch (IOException notListeningYet) {
                    return false;
                }
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("prometheus was not ready within " + timeout + ":\n" + log(), e);
        }
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** GET an API path and return its {@code data}, failing unless Prometheus answers {@code status: success}. */
    JsonNode api(String pathAndQuery) {
        HttpResponse<String> response;
        try {
            response = Http.get(uri(pathAndQuery));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode body = Http.json(response.body());
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new AssertionError("GET " + pathAndQuery + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return body.path("data");
    }

    /** Waits until every job's targets have been scraped and are up; returns /api/v1/targets' active targets. */
    JsonNode awaitTargetsUp(List<Target> targets, Duration timeout) {
        try {
            return awaitUp(targets, timeout);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("targets " + targets + " not up within " + timeout + "; /api/v1/targets: "
                    + api("/api/v1/targets?state=active") + "\nprometheus' log:\n" + log(), e);
        }
    }

    private JsonNode awaitUp(List<Target> targets, Duration timeout) {
        return await("targets up").atMost(timeout).pollInterval(Duration.ofMillis(250))
                .until(() -> api("/api/v1/targets?state=active").path("activeTargets"), active -> {
                    for (Target target : targets) {
                        boolean up = false;
                        for (JsonNode t : active) {
                            if (target.job().equals(t.path("labels").path("job").asText())
                                    && "up".equals(t.path("health").asText())) {
                                up = true;
                            }
                        }
                        if (!up) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    /** The instant vector of an expression evaluated now: {@code data.result} of /api/v1/query. */
    JsonNode query(String promql) {
        JsonNode data = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (!"vector".equals(data.path("resultType").asText())) {
            throw new AssertionError(promql + " is not a vector: " + data);
        }
        return data.path("result");
    }

    /** The value of the single element of {@code promql}'s vector, or empty if the vector is empty. */
    Optional<Double> value(String promql) {
        JsonNode result = query(promql);
        if (result.isEmpty()) {
            return Optional.empty();
        }
        if (result.size() != 1) {
            throw new AssertionError(promql + " has " + result.size() + " elements: " + result);
        }
        // [ <unix time>, "<value>" ]; the value is a string so that NaN and +Inf survive JSON.
        return Optional.of(Double.parseDouble(result.get(0).path("value").get(1).asText()));
    }

    /** The metadata (type, help, unit) Prometheus keeps for a metric of one job's targets. */
    List<JsonNode> targetMetadata(String job, String metric) {
        JsonNode data = api("/api/v1/targets/metadata?metric=" + URLEncoder.encode(metric, StandardCharsets.UTF_8)
                + "&match_target=" + URLEncoder.encode("{job=\"" + job + "\"}", StandardCharsets.UTF_8));
        return StreamSupport.stream(data.spliterator(), false).toList();
    }

    String log() {
        return child.log();
    }

    @Override
    public void close() {
        try {
            child.close();
        } finally {
            deleteRecursively(directory);
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind
        }
    }
}
