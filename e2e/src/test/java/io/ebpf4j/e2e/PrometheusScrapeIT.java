package io.ebpf4j.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real consumer of the samples' metrics: a Prometheus server scrapes the packaged samples, each running as its own
 * process, and the assertions are PromQL queries through Prometheus' HTTP API. This proves what the in-process tests
 * cannot: that Prometheus accepts what /actuator/prometheus serves (it negotiates OpenMetrics, not the text format
 * those tests read), and that names, types and units make the usual queries work: counters with rate(), histograms
 * with histogram_quantile() in seconds. The samples: syscall-metrics (counters) and latency (a histogram).
 */
@RequiresKernel
@RequiresPrometheus
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusScrapeIT {
    private static final Duration STARTUP = Duration.ofSeconds(120);
    private static final Duration SCRAPES = Duration.ofSeconds(60);

    private final List<AutoCloseable> running = new ArrayList<>();
    private PrometheusServer prometheus;

    @BeforeAll
    void startSamplesAndPrometheus() {
        // Each sample watches only this JVM's system calls, so that what the queries see is caused by the tests.
        // Both start before either is waited for: the two JVMs start in parallel.
        SampleProcess syscalls = started(SampleProcess.start("syscall-metrics", Samples.jar("syscall-metrics"),
                List.of(), Map.of("SYSCALLS_TARGET_PID", Samples.thisProcess())));
        SampleProcess latency = started(SampleProcess.start("latency", Samples.jar("latency"), List.of(),
                Map.of("LATENCY_TARGET_PID", Samples.thisProcess())));
        syscalls.awaitHealthUp(STARTUP);
        latency.awaitHealthUp(STARTUP);
        List<PrometheusServer.Target> targets = List.of(
                new PrometheusServer.Target("syscall-metrics", syscalls.port()),
                new PrometheusServer.Target("latency", latency.port()));
        prometheus = started(PrometheusServer.start(PrometheusServer.binary().orElseThrow(), targets));
        prometheus.awaitTargetsUp(targets, SCRAPES);
    }

    private <T extends AutoCloseable> T started(T resource) {
        running.add(0, resource);
        return resource;
    }

    @AfterAll
    void stopAll() throws Exception {
        Exception failure = null;
        for (AutoCloseable resource : running) {
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Test
    void prometheusScrapesTheSyscallCountersWithDecodedLabels() {
        SystemCalls.failingOpens(200);
        // Scraped every second; the counters include the 200 opens once a scrape after them has been stored.
        await("openat and ENOENT counted").atMost(SCRAPES).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(prometheus.value("ebpf_syscalls_total{job=\"syscall-metrics\",syscall=\"openat\"}"))
                    .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(200));
            assertThat(prometheus.value("ebpf_syscall_errors_total{job=\"syscall-metrics\",errno=\"ENOENT\"}"))
                    .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(200));
        });
        assertThat(prometheus.value("up{job=\"syscall-metrics\"}")).hasValue(1.0);

        // Labels arrive as names, not numbers, and every series names its collection.
        JsonNode series = prometheus.query("ebpf_syscalls_total{job=\"syscall-metrics\"}");
        assertThat(series.size()).as("series of ebpf_syscalls_total").isGreaterThan(5);
        for (JsonNode s : series) {
            assertThat(s.path("metric").path("syscall").asText()).matches("[a-z][a-z0-9_]*");
            assertThat(s.path("metric").path("collection").asText()).isEqualTo("syscalls");
        }
        assertThat(prometheus.value("sum(ebpf_syscalls_by_process_total{job=\"syscall-metrics\"})"))
                .hasValueSatisfying(v -> assertThat(v).isPositive());

        // The type Prometheus recorded from the exposition (OpenMetrics names the counter family without _total).
        assertThat(types("syscall-metrics", "ebpf_syscalls", "ebpf_syscalls_total")).containsOnly("counter");
        assertThat(types("syscall-metrics", "ebpf_syscall_errors", "ebpf_syscall_errors_total"))
                .containsOnly("counter");
    }

    @Test
    void rateOfTheSyscallCounterIsPositiveWhileTheTargetMakesSystemCalls() {
        // rate() needs two scrapes with an increase between them: keep opening files until Prometheus sees one.
        String rate = "rate(ebpf_syscalls_total{job=\"syscall-metrics\",syscall=\"openat\"}[1m])";
        await("rate of openat > 0").atMost(SCRAPES).pollInterval(Duration.ofMillis(500)).until(() -> {
            SystemCalls.failingOpens(20);
            return prometheus.value(rate).filter(v -> v > 0).isPresent();
        });
        Optional<Double> perSecond = prometheus.value(rate);
        // Per second, over a minute in which this JVM made at most a few thousand opens.
        assertThat(perSecond).hasValueSatisfying(v -> assertThat(v).isPositive().isLessThan(1_000_000));
        assertThat(prometheus.value("sum(rate(ebpf_syscalls_total{job=\"syscall-metrics\"}[1m]))"))
                .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(perSecond.orElseThrow()));
    }

    @Test
    void histogramQuantileOfTheLatencyHistogramIsANumberOfSeconds() {
        // As the sample's README suggests, over every system call of the target: a number once two scrapes apart
        // have seen system calls complete.
        String overall = "histogram_quantile(0.9, sum by (le) (rate(ebpf_syscall_latency_seconds_bucket"
                + "{job=\"latency\"}[1m])))";
        // Of openat only: this JVM's failing opens take microseconds, so in seconds the quantile is far below 1;
        // a histogram left in the program's microseconds would put it at 1 or above.
        String opens = "histogram_quantile(0.9, sum by (le) (rate(ebpf_syscall_latency_seconds_bucket"
                + "{job=\"latency\",syscall=\"openat\"}[1m])))";
        await("quantiles are numbers").atMost(SCRAPES).pollInterval(Duration.ofMillis(500)).until(() -> {
            SystemCalls.failingOpens(20);
            return isNumber(prometheus.value(overall)) && isNumber(prometheus.value(opens));
        });
        assertThat(prometheus.value(overall)).hasValueSatisfying(q -> assertThat(q).isPositive().isFinite());
        assertThat(prometheus.value(opens)).hasValueSatisfying(q -> assertThat(q).isPositive().isLessThan(0.01));

        assertThat(types("latency", "ebpf_syscall_latency_seconds")).containsOnly("histogram");
        // One scrape's buckets, sum and count agree: the +Inf bucket is the count, the mean is below 10 ms.
        String openat = "{job=\"latency\",syscall=\"openat\"}";
        JsonNode buckets = prometheus.query("ebpf_syscall_latency_seconds_bucket" + openat);
        assertThat(buckets.size()).as("buckets of openat").isGreaterThan(2);
        double count = prometheus.value("ebpf_syscall_latency_seconds_count" + openat).orElseThrow();
        assertThat(count).isGreaterThanOrEqualTo(20);
        assertThat(prometheus.value("ebpf_syscall_latency_seconds_bucket{job=\"latency\",syscall=\"openat\","
                + "le=\"+Inf\"}")).hasValue(count);
        assertThat(prometheus.value("ebpf_syscall_latency_seconds_sum" + openat))
                .hasValueSatisfying(sum -> assertThat(sum / count).isPositive().isLessThan(0.01));
    }

    private static boolean isNumber(Optional<Double> value) {
        return value.filter(v -> !v.isNaN() && !v.isInfinite()).isPresent();
    }

    private List<String> types(String job, String... names) {
        List<String> types = new ArrayList<>();
        for (String name : names) {
            prometheus.targetMetadata(job, name).forEach(m -> types.add(m.path("type").asText()));
        }
        assertThat(types).as("metadata of %s", List.of(names)).isNotEmpty();
        return types;
    }
}
