package io.ebpf4j.spring.metrics;

import io.ebpf4j.BpfMap;
import io.ebpf4j.testing.PrometheusText;

import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.btf.Struct;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static io.ebpf4j.spring.metrics.TestMaps.U32;
import static io.ebpf4j.spring.metrics.TestMaps.U64;
import static io.ebpf4j.spring.metrics.TestMaps.bytes;
import static io.ebpf4j.spring.metrics.TestMaps.field;
import static io.ebpf4j.spring.metrics.TestMaps.member;
import static io.ebpf4j.spring.metrics.TestMaps.metric;
import static io.ebpf4j.spring.metrics.TestMaps.struct;
import static io.ebpf4j.spring.metrics.TestMaps.u64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Bucket types, bucket seams, sum keys, per-CPU histograms; portable and Prometheus-native publishing. */
class HistogramTest {
    /** struct hist_key { u32 op; (pad) u64 bucket; } */
    private static final Struct KEY = struct("hist_key", 16, member("op", U32, 0), member("bucket", U64, 8));
    private static final MapSpec MAP = TestMaps.map(MapType.HASH, 16, 8, KEY, U64);

    private final EbpfMetricsProperties.Metrics shared = new EbpfMetricsProperties.Metrics();

    private static EbpfMetricsProperties.Histogram config(EbpfMetricsProperties.BucketType type, int min, int max) {
        EbpfMetricsProperties.Histogram h = metric(new EbpfMetricsProperties.Histogram(), "latency", field("op", "op"));
        h.setBucketField("bucket");
        h.setBucketType(type);
        h.setBucketMin(min);
        h.setBucketMax(max);
        return h;
    }

    private static byte[] key(int op, long bucket) {
        return bytes(16, b -> b.putInt(op).putInt(0).putLong(bucket));
    }

    /** The kernel side of ebpf_exporter's exp2 helpers: ceil(log2(v)), 0 for 0 and 1. */
    private static long exp2Bucket(long v) {
        return v <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(v - 1);
    }

    /** Observes {@code values} as the BPF helpers do: one count per value, the sum under bucket max + 1. */
    private static Map<Long, Long> observe(EbpfMetricsProperties.Histogram h, long... values) {
        Map<Long, Long> map = new TreeMap<>();
        for (long v : values) {
            long bucket = switch (h.getBucketType()) {
                case EXP2 -> exp2Bucket(v);
                case EXP2ZERO -> v == 0 ? 0 : exp2Bucket(v) + 1;
                default -> v;
            };
            map.merge(Math.min(bucket, h.getBucketMax()), 1L, Long::sum);
            map.merge((long) h.getBucketMax() + 1, v, Long::sum);
        }
        return map;
    }

    @Test
    void exp2UpperBoundsArePowersOfTwoTimesTheMultiplier() {
        EbpfMetricsProperties.Histogram h = config(EbpfMetricsProperties.BucketType.EXP2, 0, 4);
        h.setBucketMultiplier(0.5);
        HistogramBuckets buckets = HistogramBuckets.of(h);
        assertThat(buckets.upperBounds()).containsExactly(0.5, 1, 2, 4, 8);
        assertThat(buckets.size()).isEqualTo(6);
        assertThat(buckets.slotOf(5)).isEqualTo(HistogramBuckets.SUM);
    }

    @Test
    void valuesAtBucketSeamsLandInTheBucketWhoseBoundTheyEqual() {
        for (EbpfMetricsProperties.BucketType type : List.of(EbpfMetricsProperties.BucketType.EXP2,
                EbpfMetricsProperties.BucketType.EXP2ZERO)) {
            EbpfMetricsProperties.Histogram h = config(type, 0, 20);
            HistogramBuckets buckets = HistogramBuckets.of(h);
            double[] bounds = buckets.upperBounds();
            for (long v : new long[] {0, 1, 2, 3, 4, 5, 7, 8, 9, 1023, 1024, 1025, 65536, 65537}) {
                if (type == EbpfMetricsProperties.BucketType.EXP2 && v == 0) {
                    continue; // exp2 has no zero bucket: 0 goes with 1
                }
                long index = observe(h, v).keySet().iterator().next();
                int slot = buckets.slotOf(index);
                assertThat(v).as(type + ": %d <= le of its bucket", v).isLessThanOrEqualTo((long) bounds[slot]);
                if (slot > 0) {
                    assertThat(v).as(type + ": %d > le of the bucket before", v).isGreaterThan((long) bounds[slot - 1]);
                }
            }
        }
    }

    @Test
    void exp2zeroHasAZeroBucket() {
        HistogramBuckets buckets = HistogramBuckets.of(config(EbpfMetricsProperties.BucketType.EXP2ZERO, 0, 3));
        assertThat(buckets.upperBounds()).containsExactly(0, 1, 2, 4);
    }

    @Test
    void linearBoundsAreIndexTimesMultiplier() {
        EbpfMetricsProperties.Histogram h = config(EbpfMetricsProperties.BucketType.LINEAR, 1, 4);
        h.setBucketMultiplier(10);
        HistogramBuckets buckets = HistogramBuckets.of(h);
        assertThat(buckets.upperBounds()).containsExactly(10, 20, 30, 40);
        assertThat(buckets.slotOf(0)).as("below the first bucket: its values are below its bound too").isZero();
        assertThat(buckets.slotOf(4)).isEqualTo(3);
        assertThat(buckets.slotOf(5)).isEqualTo(HistogramBuckets.SUM);
        h.setSumKey(false);
        assertThat(HistogramBuckets.of(h).slotOf(5)).as("beyond the last bucket").isEqualTo(4);
    }

    @Test
    void fixedBucketsUseTheListedKeys() {
        EbpfMetricsProperties.Histogram h = config(EbpfMetricsProperties.BucketType.FIXED, 0, 0);
        h.setBucketKeys(new ArrayList<>(List.of(1.0, 10.0, 100.0)));
        h.setBucketMultiplier(0.001);
        HistogramBuckets buckets = HistogramBuckets.of(h);
        assertThat(buckets.upperBounds()).containsExactly(0.001, 0.01, 0.1);
        assertThat(buckets.slotOf(10)).isEqualTo(1);
        assertThat(buckets.slotOf(50)).as("between keys: the next larger key").isEqualTo(2);
        assertThat(buckets.slotOf(101)).isEqualTo(HistogramBuckets.SUM);
        assertThat(buckets.slotOf(500)).isEqualTo(3);
        h.setBucketKeys(new ArrayList<>(List.of(10.0, 1.0)));
        assertThatThrownBy(() -> HistogramBuckets.of(h)).hasMessageContaining("must increase");
        h.setBucketKeys(new ArrayList<>(List.of(1.5)));
        assertThatThrownBy(() -> HistogramBuckets.of(h)).hasMessageContaining("whole numbers");
    }

    @Test
    void badRangesAreRefused() {
        assertThatThrownBy(() -> HistogramBuckets.of(config(EbpfMetricsProperties.BucketType.EXP2, 5, 4)))
                .hasMessageContaining("0 <= min <= max");
        assertThatThrownBy(() -> HistogramBuckets.of(config(EbpfMetricsProperties.BucketType.EXP2, 0, 2000)))
                .hasMessageContaining("2^1023");
    }

    private TestMaps.Feeder feed(HistogramFamily family, int op, Map<Long, Long> observed) {
        TestMaps.Feeder feeder = new TestMaps.Feeder(family);
        observed.forEach((bucket, count) -> feeder.put(key(op, bucket), u64(count)));
        return feeder;
    }

    @Test
    void portableHistogramsAreCumulativeCountersTaggedLePlusCountAndSum() {
        EbpfMetricsProperties.Histogram h = config(EbpfMetricsProperties.BucketType.EXP2, 0, 3);
        h.setBucketMultiplier(1e-6);
        h.setBaseUnit("seconds");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HistogramFamily family = TestMaps.histogram(h, MAP, shared);
        family.bindTo(registry);
        feed(family, 1, observe(h, 1, 2, 3, 4, 100)).read(1);

        Map<String, Double> buckets = registry.find("ebpf.latency.buckets").tag("op", "1").functionCounters().stream()
                .collect(Collectors.toMap(c -> c.getId().getTag("le"), FunctionCounter::count));
        assertThat(buckets).containsExactlyInAnyOrderEntriesOf(Map.of("1e-06", 1.0, "2e-06", 2.0, "4e-06", 4.0,
                "8e-06", 5.0, "+Inf", 5.0));
        assertThat(registry.get("ebpf.latency.count").functionCounter().count()).isEqualTo(5);
        FunctionCounter sum = registry.get("ebpf.latency.sum").functionCounter();
        assertThat(sum.count()).isCloseTo(110e-6, within(1e-12));
        assertThat(sum.getId().getBaseUnit()).isEqualTo("seconds");
    }

    @Test
    void prometheusNativeHistogramsHaveBucketSumAndCount() {
        EbpfMetricsProperties.Histogram h = config(EbpfMetricsProperties.BucketType.EXP2, 0, 3);
        h.setName("io.latency");
        h.setBucketMultiplier(1e-6);
        h.setBaseUnit("seconds");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HistogramFamily family = TestMaps.histogram(h, MAP, shared);
        try (NativeExport exporter = PrometheusExport.find(registry,
                List.of(MeterFilter.commonTags(Tags.of("region", "eu"))))) {
            exporter.add(family);
            feed(family, 1, observe(h, 1, 2, 3, 4, 100)).read(1);
            feed(family, 2, observe(h, 8)).read(1);
            PrometheusText scrape = PrometheusText.parse(registry.scrape());

            assertThat(scrape.type("ebpf_io_latency_seconds")).contains("histogram");
            List<PrometheusText.Sample> op1 = scrape.samples("ebpf_io_latency_seconds_bucket", s -> s.has("op", "1"));
            assertThat(op1).extracting(s -> s.labels().get("le"), PrometheusText.Sample::value).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("1.0E-6", 1.0), org.assertj.core.groups.Tuple.tuple("2.0E-6", 2.0),
                    org.assertj.core.groups.Tuple.tuple("4.0E-6", 4.0), org.assertj.core.groups.Tuple.tuple("8.0E-6", 5.0),
                    org.assertj.core.groups.Tuple.tuple("+Inf", 5.0));
            assertThat(op1).allSatisfy(s -> assertThat(s.labels()).containsEntry("collection", "test")
                    .containsEntry("region", "eu"));
            assertThat(scrape.value("ebpf_io_latency_seconds_count", s -> s.has("op", "1"))).isEqualTo(5);
            assertThat(scrape.value("ebpf_io_latency_seconds_sum", s -> s.has("op", "1")))
                    .isCloseTo(110e-6, within(1e-12));
            assertThat(scrape.value("ebpf_io_latency_seconds_bucket", s -> s.has("op", "2") && s.has("le", "8.0E-6")))
                    .isEqualTo(1);
        }
        assertThat(PrometheusText.parse(registry.scrape()).samples("ebpf_io_latency_seconds_count")).isEmpty();
    }

    @Test
    void perCpuHistogramsAddUpOrSplitByCpu() {
        int cpus = BpfMap.possibleCpus();
        MapSpec perCpu = TestMaps.map(MapType.PERCPU_HASH, 16, 8, KEY, U64);
        EbpfMetricsProperties.Histogram summed = config(EbpfMetricsProperties.BucketType.LINEAR, 0, 2);
        summed.setSumKey(false);
        EbpfMetricsProperties.Histogram split = config(EbpfMetricsProperties.BucketType.LINEAR, 0, 2);
        split.setName("split");
        split.setSumKey(false);
        split.setPerCpu(EbpfMetricsProperties.PerCpu.PER_CPU);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HistogramFamily a = TestMaps.histogram(summed, perCpu, shared);
        HistogramFamily b = TestMaps.histogram(split, perCpu, shared);
        a.bindTo(registry);
        b.bindTo(registry);
        ByteBuffer value = ByteBuffer.allocate(8 * cpus).order(ByteOrder.nativeOrder());
        for (int cpu = 0; cpu < cpus; cpu++) {
            value.putLong(cpu + 1L); // CPU i counted i + 1 observations in bucket 1
        }
        for (HistogramFamily family : List.of(a, b)) {
            new TestMaps.Feeder(family).put(key(0, 1), value.array()).read(1);
        }
        assertThat(registry.get("ebpf.latency.count").functionCounter().count())
                .isEqualTo(cpus * (cpus + 1) / 2.0);
        for (int cpu = 0; cpu < cpus; cpu++) {
            assertThat(registry.get("ebpf.split.count").tag("cpu", Integer.toString(cpu)).functionCounter().count())
                    .isEqualTo(cpu + 1);
        }
    }

    @Test
    void aHistogramValueIsOneCount() {
        MapSpec structs = TestMaps.map(MapType.HASH, 16, 16, KEY,
                struct("two", 16, member("a", U64, 0), member("b", U64, 8)));
        EbpfMetricsProperties.Histogram h = config(EbpfMetricsProperties.BucketType.EXP2, 0, 3);
        h.setValues(new ArrayList<>(List.of(TestMaps.value("a", null), TestMaps.value("b", null))));
        assertThatThrownBy(() -> TestMaps.histogram(h, structs, shared)).hasMessageContaining("at most 1 value");
    }
}
