package io.ebpf4j.samples.latency;

import io.ebpf4j.testing.PrometheusText;
import io.ebpf4j.testing.PrometheusText.Sample;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample as a user runs it, watching this JVM only: a known workload of system calls that each take about 50 ms
 * must show up in the right buckets of {@code ebpf_syscall_latency_seconds} at /actuator/prometheus.
 */
@RequiresKernel
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"LATENCY_TARGET_PID=self", "ebpf.metrics.min-refresh=0s"})
class SyscallLatencyApplicationTest {
    private static final String HISTOGRAM = "ebpf_syscall_latency_seconds";
    private static final int WAITS = 20;
    private static final int WAIT_MILLIS = 50;
    /** The exp2 bucket bounds around 50 ms: 2^15 and 2^16 microseconds. */
    private static final double BELOW_50_MS = 0.032768;
    private static final double ABOVE_50_MS = 0.065536;
    /**
     * A receive with a timeout on a UDP socket that nobody sends to is one poll(2) of the timeout's length. Nothing
     * else in this JVM calls poll, unlike futex (Thread.sleep, LockSupport.parkNanos), which the JVM's own threads
     * also wait in, some of them (JDK 17's periodic task thread) for 50 ms at a time too.
     */
    private static final String WAIT_SYSCALL = "poll";

    @Value("${local.server.port}")
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private PrometheusText scrape() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return PrometheusText.parse(response.body());
    }

    /** The workload: receives that time out after {@value #WAIT_MILLIS} ms, nothing ever arrives. */
    private static void waitForDatagramsThatNeverCome() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(WAIT_MILLIS);
            for (int i = 0; i < WAITS; i++) {
                try {
                    socket.receive(new DatagramPacket(new byte[1], 1));
                } catch (SocketTimeoutException expected) {
                    // the system call under measurement ran for its full timeout
                }
            }
        }
    }

    /** Scrapes until the series of {@code syscall} has counted {@code calls} more than {@code before}. */
    private Histogram awaitCalls(String syscall, Histogram before, int calls) {
        // A key the program added since the last read is published from the next scrape on.
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> Histogram.of(scrape(), syscall), h -> h.count() - before.count() >= calls);
    }

    @Test
    void aKnownWorkloadLandsInTheRightBuckets() throws Exception {
        Histogram before = Histogram.of(scrape(), WAIT_SYSCALL);
        waitForDatagramsThatNeverCome();
        Histogram after = awaitCalls(WAIT_SYSCALL, before, WAITS);

        assertThat(scrape().type(HISTOGRAM)).contains("histogram");
        assertThat(after.cumulative(ABOVE_50_MS) - before.cumulative(ABOVE_50_MS))
                .as("waits of %d ms at or below le=%s", WAIT_MILLIS, ABOVE_50_MS).isGreaterThanOrEqualTo(WAITS);
        assertThat(after.cumulative(BELOW_50_MS) - before.cumulative(BELOW_50_MS))
                .as("waits of %d ms below le=%s", WAIT_MILLIS, BELOW_50_MS).isZero();
        assertThat(after.sum() - before.sum()).as("seconds spent waiting")
                .isGreaterThanOrEqualTo(WAITS * WAIT_MILLIS / 1000.0 - 1e-9);
        assertThat(after.sumWithinBucketBounds()).as("_sum against the buckets of %s", after).isTrue();
    }

    @Test
    void everySeriesIsAWellFormedHistogram() throws Exception {
        Histogram before = Histogram.of(scrape(), WAIT_SYSCALL);
        waitForDatagramsThatNeverCome();
        awaitCalls(WAIT_SYSCALL, before, WAITS);
        PrometheusText scrape = scrape();
        List<String> syscalls = scrape.samples(HISTOGRAM + "_count").stream().map(s -> s.labels().get("syscall"))
                .toList();
        assertThat(syscalls).contains(WAIT_SYSCALL, "futex", "read");
        for (String syscall : syscalls) {
            Histogram histogram = Histogram.of(scrape, syscall);
            assertThat(histogram.buckets().keySet()).as("%s: le from 2^0 to 2^26 us, then +Inf", syscall)
                    .hasSize(28).startsWith(0.000001).endsWith(67.108864, Double.POSITIVE_INFINITY);
            assertThat(List.copyOf(histogram.buckets().values())).as("%s: cumulative", syscall).isSorted();
            assertThat(histogram.cumulative(Double.POSITIVE_INFINITY)).as("%s: +Inf is _count", syscall)
                    .isEqualTo(histogram.count());
            assertThat(scrape.value(HISTOGRAM + "_sum", "syscall", syscall)).as("%s: _sum", syscall).isPresent();
        }
    }

    /** One series of the histogram, parsed: cumulative bucket counts by upper bound, _count and _sum. */
    record Histogram(String syscall, TreeMap<Double, Double> buckets, double count, double sum) {
        static Histogram of(PrometheusText scrape, String syscall) {
            TreeMap<Double, Double> buckets = scrape.samples(HISTOGRAM + "_bucket").stream()
                    .filter(s -> s.has("syscall", syscall))
                    .collect(Collectors.toMap(s -> upperBound(s.labels().get("le")), Sample::value,
                            (a, b) -> {
                                throw new AssertionError("two buckets with the same le for " + syscall);
                            }, TreeMap::new));
            return new Histogram(syscall, buckets,
                    scrape.value(HISTOGRAM + "_count", "syscall", syscall).orElse(0.0),
                    scrape.value(HISTOGRAM + "_sum", "syscall", syscall).orElse(0.0));
        }

        private static double upperBound(String le) {
            return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
        }

        /** Observations at or below {@code le} (zero before the series exists). */
        double cumulative(double le) {
            return buckets.isEmpty() ? 0 : Objects.requireNonNull(buckets.get(le), () -> "no bucket le=" + le);
        }

        /**
         * Whether _sum lies between what the buckets allow: each observation in the bucket (lower, upper] adds more
         * than its lower bound and at most its upper bound. (The BPF program puts latencies above the last bound,
         * 67 s, into the last bucket; no system call of a test JVM took that long.)
         */
        boolean sumWithinBucketBounds() {
            double lowest = 0;
            double highest = 0;
            double previousBound = 0;
            double previousCount = 0;
            for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
                double inBucket = bucket.getValue() - previousCount;
                if (inBucket > 0) {
                    lowest += inBucket * previousBound;
                    highest += inBucket * bucket.getKey(); // infinite for observations in +Inf
                }
                previousBound = bucket.getKey();
                previousCount = bucket.getValue();
            }
            return lowest - 1e-9 <= sum && sum <= highest + 1e-9;
        }
    }
}
