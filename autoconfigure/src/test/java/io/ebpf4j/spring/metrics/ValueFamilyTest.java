package io.ebpf4j.spring.metrics;

import io.ebpf4j.BpfMap;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.btf.Struct;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.ebpf4j.spring.metrics.TestMaps.S64;
import static io.ebpf4j.spring.metrics.TestMaps.U32;
import static io.ebpf4j.spring.metrics.TestMaps.U64;
import static io.ebpf4j.spring.metrics.TestMaps.bytes;
import static io.ebpf4j.spring.metrics.TestMaps.decoder;
import static io.ebpf4j.spring.metrics.TestMaps.member;
import static io.ebpf4j.spring.metrics.TestMaps.metric;
import static io.ebpf4j.spring.metrics.TestMaps.sized;
import static io.ebpf4j.spring.metrics.TestMaps.struct;
import static io.ebpf4j.spring.metrics.TestMaps.u32;
import static io.ebpf4j.spring.metrics.TestMaps.u64;
import static io.ebpf4j.spring.metrics.TestMaps.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Counters and gauges: values, struct members, per-CPU modes, stale series, the cardinality cap. */
class ValueFamilyTest {
    private static final long SECOND = 1_000_000_000L;
    private static final MapSpec U32_TO_U64 = TestMaps.map(MapType.HASH, 4, 8, U32, U64);
    /** struct stats { u64 packets; u64 bytes; } */
    private static final Struct STATS = struct("stats", 16, member("packets", U64, 0), member("bytes", U64, 8));

    private final EbpfMetricsProperties.Metrics shared = new EbpfMetricsProperties.Metrics();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private ValueFamily family(ValueFamily.Kind kind, EbpfMetricsProperties.MapMetric config, MapSpec map) {
        ValueFamily family = TestMaps.values(kind, config, map, shared);
        family.bindTo(registry);
        return family;
    }

    private ValueFamily counter(MapSpec map, EbpfMetricsProperties.Label... labels) {
        return family(ValueFamily.Kind.COUNTER, metric(new EbpfMetricsProperties.Counter(), "events", labels), map);
    }

    private Map<String, Double> countsBy(String name, String tag) {
        return registry.find(name).functionCounters().stream()
                .collect(Collectors.toMap(c -> c.getId().getTag(tag), FunctionCounter::count));
    }

    @Test
    void aCounterPerKey() {
        ValueFamily family = counter(U32_TO_U64, sized("id", 4, 0));
        new TestMaps.Feeder(family).put(u32(1), u64(10)).put(u32(2), u64(20)).read(1);
        assertThat(countsBy("ebpf.events", "id")).containsExactlyInAnyOrderEntriesOf(Map.of("1", 10.0, "2", 20.0));
        FunctionCounter c = registry.get("ebpf.events").tag("id", "1").functionCounter();
        assertThat(c.getId().getTags()).extracting(t -> t.getKey()).containsExactlyInAnyOrder("collection", "id");
    }

    @Test
    void structMembersBecomeOneMeterEach() {
        MapSpec map = TestMaps.map(MapType.HASH, 4, 16, U32, STATS);
        EbpfMetricsProperties.Counter config = metric(new EbpfMetricsProperties.Counter(), "net", sized("proto", 4, 0));
        config.setValues(new ArrayList<>(List.of(value("packets", "net.packets"), value("bytes", null))));
        config.getValues().get(1).setBaseUnit("bytes");
        ValueFamily family = family(ValueFamily.Kind.COUNTER, config, map);
        new TestMaps.Feeder(family).put(u32(6), bytes(16, b -> b.putLong(3).putLong(1500))).read(1);
        assertThat(registry.get("ebpf.net.packets").tag("proto", "6").functionCounter().count()).isEqualTo(3);
        FunctionCounter bytes = registry.get("ebpf.net.bytes").tag("proto", "6").functionCounter();
        assertThat(bytes.count()).isEqualTo(1500);
        assertThat(bytes.getId().getBaseUnit()).isEqualTo("bytes");
    }

    @Test
    void aStructValueWithoutMembersChosenIsRefusedWithTheMembers() {
        MapSpec map = TestMaps.map(MapType.HASH, 4, 16, U32, STATS);
        assertThatThrownBy(() -> counter(map, sized("proto", 4, 0)))
                .hasMessageContaining("values[].field").hasMessageContaining("[packets, bytes]");
    }

    @Test
    void gaugesFollowTheValueUpAndDownAndReadSignedValues() {
        MapSpec map = TestMaps.map(MapType.HASH, 4, 8, U32, S64);
        ValueFamily family = family(ValueFamily.Kind.GAUGE,
                metric(new EbpfMetricsProperties.Gauge(), "inflight", sized("q", 4, 0)), map);
        TestMaps.Feeder feeder = new TestMaps.Feeder(family);
        feeder.put(u32(1), u64(5)).read(1);
        assertThat(registry.get("ebpf.inflight").gauge().value()).isEqualTo(5);
        feeder.put(u32(1), u64(-2)).read(2);
        assertThat(registry.get("ebpf.inflight").gauge().value()).isEqualTo(-2);
    }

    @Test
    void u64ValuesAboveTwoToThe63AreUnsigned() {
        ValueFamily family = counter(U32_TO_U64, sized("id", 4, 0));
        new TestMaps.Feeder(family).put(u32(1), u64(-1L)).read(1);
        assertThat(registry.get("ebpf.events").functionCounter().count()).isEqualTo(18446744073709551615.0);
    }

    private byte[] perCpu(MapSpec map, long... values) {
        int slot = (map.valueSize() + 7) & ~7;
        ByteBuffer b = ByteBuffer.allocate(slot * BpfMap.possibleCpus()).order(java.nio.ByteOrder.nativeOrder());
        for (int cpu = 0; cpu < BpfMap.possibleCpus(); cpu++) {
            b.putLong(cpu * slot, values[cpu % values.length] + cpu);
        }
        return b.array();
    }

    @Test
    void perCpuValuesAreSummedTakenAtTheirMaximumOrPublishedPerCpu() {
        MapSpec map = TestMaps.map(MapType.PERCPU_HASH, 4, 8, U32, U64);
        int cpus = BpfMap.possibleCpus();
        byte[] value = perCpu(map, 100); // CPU i holds 100 + i
        for (EbpfMetricsProperties.PerCpu mode : EbpfMetricsProperties.PerCpu.values()) {
            EbpfMetricsProperties.Counter config = metric(new EbpfMetricsProperties.Counter(), "pc." + mode, sized("id", 4, 0));
            config.setPerCpu(mode);
            new TestMaps.Feeder(family(ValueFamily.Kind.COUNTER, config, map)).put(u32(1), value).read(1);
        }
        assertThat(registry.get("ebpf.pc.SUM").functionCounter().count())
                .isEqualTo(100.0 * cpus + cpus * (cpus - 1) / 2.0);
        assertThat(registry.get("ebpf.pc.MAX").functionCounter().count()).isEqualTo(100.0 + cpus - 1);
        Map<String, Double> byCpu = countsBy("ebpf.pc.PER_CPU", "cpu");
        assertThat(byCpu).hasSize(cpus);
        for (int cpu = 0; cpu < cpus; cpu++) {
            assertThat(byCpu).containsEntry(Integer.toString(cpu), 100.0 + cpu);
        }
    }

    @Test
    void perCpuModeNeedsAPerCpuMapAndLeavesTheCpuTagToItself() {
        EbpfMetricsProperties.Counter config = metric(new EbpfMetricsProperties.Counter(), "x", sized("cpu", 4, 0));
        config.setPerCpu(EbpfMetricsProperties.PerCpu.PER_CPU);
        MapSpec perCpuMap = TestMaps.map(MapType.PERCPU_HASH, 4, 8, U32, U64);
        assertThatThrownBy(() -> family(ValueFamily.Kind.COUNTER, config, perCpuMap))
                .hasMessageContaining("'cpu' is reserved");
    }

    @Test
    void keysDecodingToTheSameTagsAddUp() {
        EbpfMetricsProperties.Label parity = sized("parity", 4, 0, "uint");
        EbpfMetricsProperties.Decoder map = decoder("static-map");
        map.setStaticMap(new java.util.LinkedHashMap<>(Map.of("1", "odd", "3", "odd", "2", "even")));
        parity.getDecoders().add(map);
        ValueFamily family = counter(U32_TO_U64, parity);
        new TestMaps.Feeder(family).put(u32(1), u64(1)).put(u32(2), u64(10)).put(u32(3), u64(100)).read(1);
        assertThat(countsBy("ebpf.events", "parity")).containsExactlyInAnyOrderEntriesOf(
                Map.of("odd", 101.0, "even", 10.0));
    }

    @Test
    void regexpMisfitsAndDecoderFailuresAreNotPublishedAndFailuresAreCounted() {
        EbpfMetricsProperties.Label small = sized("id", 4, 0, "uint");
        EbpfMetricsProperties.Decoder regexp = decoder("regexp");
        regexp.setRegexps(new ArrayList<>(List.of("^[0-9]$")));
        small.getDecoders().add(regexp);
        ValueFamily filtered = counter(U32_TO_U64, small);
        new TestMaps.Feeder(filtered).put(u32(7), u64(1)).put(u32(42), u64(1)).read(1);
        assertThat(countsBy("ebpf.events", "id")).containsOnlyKeys("7");
        assertThat(filtered.decoderErrors()).isZero();

        ValueFamily failing = new ValueFamily(ValueFamily.Kind.COUNTER, TestMaps.definition(
                metric(new EbpfMetricsProperties.Counter(), "failing", sized("id", 4, 0, "flaky")), U32_TO_U64, shared,
                TestMaps.decoders(EbpfLabelDecoder.of("flaky", input -> {
                    if (input[0] == 2) {
                        throw new IllegalArgumentException("cannot");
                    }
                    return "ok";
                }))), TestMaps.reader(U32_TO_U64), false);
        failing.bindTo(registry);
        TestMaps.Feeder feeder = new TestMaps.Feeder(failing).put(u32(1), u64(1)).put(u32(2), u64(1));
        feeder.read(1);
        feeder.read(2);
        assertThat(countsBy("ebpf.failing", "id")).containsOnlyKeys("ok");
        assertThat(failing.decoderErrors()).as("decoded once, then cached as dropped").isEqualTo(1);
    }

    @Test
    void seriesWhoseKeyDisappearedAreRemovedAfterStaleAfter() {
        shared.setStaleAfter(Duration.ofSeconds(10));
        ValueFamily family = counter(U32_TO_U64, sized("id", 4, 0));
        TestMaps.Feeder feeder = new TestMaps.Feeder(family).put(u32(1), u64(1)).put(u32(2), u64(2));
        feeder.read(0);
        feeder.remove(u32(2)).read(5 * SECOND);
        assertThat(countsBy("ebpf.events", "id")).as("kept with its last value until stale")
                .containsOnlyKeys("1", "2").containsEntry("2", 2.0);
        feeder.read(10 * SECOND);
        assertThat(countsBy("ebpf.events", "id")).containsOnlyKeys("1", "2");
        feeder.read(10 * SECOND + 1);
        assertThat(countsBy("ebpf.events", "id")).containsOnlyKeys("1");
        assertThat(family.seriesCount()).isEqualTo(1);
        // the key comes back: a new series (a counter reset for rate())
        feeder.put(u32(2), u64(1)).read(11 * SECOND);
        assertThat(countsBy("ebpf.events", "id")).containsEntry("2", 1.0);
    }

    @Test
    void perMetricStaleAfterOverridesTheDefault() {
        shared.setStaleAfter(Duration.ofHours(1));
        EbpfMetricsProperties.Counter config = metric(new EbpfMetricsProperties.Counter(), "short", sized("id", 4, 0));
        config.setStaleAfter(Duration.ofSeconds(1));
        TestMaps.Feeder feeder = new TestMaps.Feeder(family(ValueFamily.Kind.COUNTER, config, U32_TO_U64))
                .put(u32(1), u64(1));
        feeder.read(0);
        feeder.remove(u32(1)).read(2 * SECOND);
        assertThat(registry.find("ebpf.short").meters()).isEmpty();
    }

    @Test
    void maxSeriesCapsCardinalityAndCountsWhatItLeavesOut() {
        shared.setStaleAfter(Duration.ofSeconds(1));
        EbpfMetricsProperties.Counter config = metric(new EbpfMetricsProperties.Counter(), "capped", sized("id", 4, 0));
        config.setMaxSeries(2);
        ValueFamily family = family(ValueFamily.Kind.COUNTER, config, U32_TO_U64);
        TestMaps.Feeder feeder = new TestMaps.Feeder(family);
        for (int id = 1; id <= 5; id++) {
            feeder.put(u32(id), u64(id));
        }
        feeder.read(0);
        assertThat(family.seriesCount()).isEqualTo(2);
        assertThat(family.droppedSeries()).isEqualTo(3);
        assertThat(registry.find("ebpf.capped").meters()).hasSize(2);
        // two keys go away; once their series are stale, capped keys get their place
        Map<String, Double> first = countsBy("ebpf.capped", "id");
        first.keySet().forEach(id -> feeder.remove(u32(Integer.parseInt(id))));
        feeder.read(SECOND / 2);
        feeder.read(2 * SECOND);
        feeder.read(3 * SECOND);
        assertThat(family.seriesCount()).isEqualTo(2);
        assertThat(family.droppedSeries()).isEqualTo(1);
        assertThat(countsBy("ebpf.capped", "id")).doesNotContainKeys(first.keySet().toArray(String[]::new));
    }

    @Test
    void closingRemovesTheMeters() {
        ValueFamily family = counter(U32_TO_U64, sized("id", 4, 0));
        new TestMaps.Feeder(family).put(u32(1), u64(1)).read(1);
        family.close();
        assertThat(Search.in(registry).name("ebpf.events").meters()).isEmpty();
    }

    @Test
    void oneReadIsPublishedAtOnce() {
        ValueFamily family = counter(U32_TO_U64, sized("id", 4, 0));
        TestMaps.Feeder feeder = new TestMaps.Feeder(family).put(u32(1), u64(1));
        feeder.read(1);
        family.begin(2);
        ByteBuffer key = ByteBuffer.wrap(u32(1)).order(java.nio.ByteOrder.nativeOrder());
        family.accept(key, 0, ByteBuffer.wrap(u64(99)).order(java.nio.ByteOrder.nativeOrder()), 0);
        Meter meter = registry.get("ebpf.events").meter();
        assertThat(((FunctionCounter) meter).count()).as("not before the read ends").isEqualTo(1);
        family.end(2);
        assertThat(((FunctionCounter) meter).count()).isEqualTo(99);
    }
}
