package io.ebpf4j.benchmarks;

import io.ebpf4j.BatchCursor;
import io.ebpf4j.BpfCollection;
import io.ebpf4j.BpfMap;
import io.ebpf4j.CollectionSpec;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.ManagedCollection;
import io.ebpf4j.spring.autoconfigure.EbpfProperties;
import io.ebpf4j.spring.events.EbpfEventSources;
import io.ebpf4j.spring.metrics.EbpfMetricsProperties;
import io.ebpf4j.spring.metrics.EbpfMetrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The cost of scraping a BPF map through the metrics stack against the cost of dumping it: a hash map of 10,000 keys
 * (two u32 labels by BTF field, u64 values), published as counters by {@link EbpfMetrics} to a
 * {@link PrometheusMeterRegistry}, natively or as Micrometer function counters.
 *
 * <ul>
 *   <li>{@code rawBatchDump}: the baseline, BPF_MAP_LOOKUP_BATCH over the whole map, values consumed;
 *   <li>{@code read}: one metrics read of the map (batch dump, key lookup, value accumulation, publication);
 *   <li>{@code scrape}: a read plus a Prometheus scrape to the data model ({@code MetricSnapshots}), what the
 *       registry does before it writes text;
 *   <li>{@code scrapeText}: a read plus the full text exposition, as {@code /actuator/prometheus} serves it.
 * </ul>
 *
 * Run with {@code -prof gc} for the bytes allocated per operation (one operation = one whole map).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MetricsScrapeBenchmark {
    static final int KEYS = RequestsMap.KEYS;
    static final String COLLECTION = "bench";

    /**
     * How the counters reach the registry: natively (the default with a Prometheus registry) or as one Micrometer
     * function counter per key (the default with any other registry).
     */
    @Param({"PROMETHEUS_NATIVE", "MICROMETER"})
    EbpfMetricsProperties.Publishing publishing;

    BpfCollection collection;
    BpfMap map;
    BatchCursor cursor;
    PrometheusMeterRegistry registry;
    EbpfMetrics metrics;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        CollectionSpec spec;
        try (InputStream in = MetricsScrapeBenchmark.class.getResourceAsStream("/bpf/scrape.bpf.o")) {
            spec = CollectionSpec.load(in.readAllBytes());
        }
        collection = BpfCollection.load(spec);
        map = collection.map("requests");
        RequestsMap.fill(map);
        cursor = map.batchCursor(4096);

        ManagedCollection managed = new ManagedCollection(COLLECTION, spec, collection,
                ManagedCollection.Status.ATTACHED, null, List.of());
        EbpfCollections collections = new EbpfCollections() {
            @Override
            public Collection<ManagedCollection> all() {
                return List.of(managed);
            }

            @Override
            public Optional<ManagedCollection> get(String name) {
                return name.equals(COLLECTION) ? Optional.of(managed) : Optional.empty();
            }
        };
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        EbpfProperties properties = new EbpfProperties();
        properties.getCollections().put(COLLECTION, new EbpfProperties.CollectionProperties());
        metrics = new EbpfMetrics(collections, properties, metricsProperties(publishing),
                new EbpfEventSources(collections), List.of(), List.of());
        metrics.bindTo(registry);
        int series = registry.getPrometheusRegistry().scrape().stream()
                .filter(snapshot -> snapshot.getMetadata().getPrometheusName().equals("ebpf_requests"))
                .mapToInt(snapshot -> snapshot.getDataPoints().size()).sum();
        if (series != KEYS) {
            throw new IllegalStateException("expected " + KEYS + " series, got " + series);
        }
    }

    /** Two labels by BTF field; min-refresh long, so that each operation reads exactly once (explicitly). */
    private static EbpfMetricsProperties metricsProperties(EbpfMetricsProperties.Publishing publishing) {
        EbpfMetricsProperties properties = new EbpfMetricsProperties();
        properties.getMetrics().setPublishing(publishing);
        properties.getMetrics().setMinRefresh(Duration.ofHours(1));
        properties.getMetrics().setProgramStatistics(false);
        EbpfMetricsProperties.Counter counter = new EbpfMetricsProperties.Counter();
        counter.setName("requests");
        counter.setMap("requests");
        counter.getLabels().add(label("tenant"));
        counter.getLabels().add(label("endpoint"));
        var config = new EbpfMetricsProperties.CollectionMetricsProperties();
        config.getMetrics().getCounters().add(counter);
        properties.getCollections().put(COLLECTION, config);
        return properties;
    }

    private static EbpfMetricsProperties.Label label(String field) {
        EbpfMetricsProperties.Label label = new EbpfMetricsProperties.Label();
        label.setName(field);
        label.setField(field);
        return label;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        metrics.close();
        registry.close();
        collection.close();
    }

    @Benchmark
    public long rawBatchDump() {
        return RequestsMap.dump(map, cursor);
    }

    @Benchmark
    public void read() {
        metrics.refresh();
    }

    @Benchmark
    public MetricSnapshots scrape() {
        metrics.refresh();
        return registry.getPrometheusRegistry().scrape();
    }

    @Benchmark
    public void scrapeText(Blackhole bh) throws IOException {
        metrics.refresh();
        registry.scrape(new OutputStream() {
            @Override
            public void write(int b) {
                bh.consume(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                bh.consume(len);
            }
        });
    }
}
