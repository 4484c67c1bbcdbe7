package io.ebpf4j.spring.metrics;

import io.ebpf4j.testing.PrometheusText;

import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.ebpf4j.spring.metrics.TestMaps.U32;
import static io.ebpf4j.spring.metrics.TestMaps.U64;
import static io.ebpf4j.spring.metrics.TestMaps.bytes;
import static io.ebpf4j.spring.metrics.TestMaps.member;
import static io.ebpf4j.spring.metrics.TestMaps.metric;
import static io.ebpf4j.spring.metrics.TestMaps.sized;
import static io.ebpf4j.spring.metrics.TestMaps.struct;
import static io.ebpf4j.spring.metrics.TestMaps.u32;
import static io.ebpf4j.spring.metrics.TestMaps.u64;
import static io.ebpf4j.spring.metrics.TestMaps.value;
import static org.assertj.core.api.Assertions.assertThat;

/** Counters and gauges published natively to Prometheus: names, labels, meter filters, series removal. */
class PrometheusExportTest {
    private static final MapSpec U32_TO_U64 = TestMaps.map(MapType.HASH, 4, 8, U32, U64);

    private final EbpfMetricsProperties.Metrics shared = new EbpfMetricsProperties.Metrics();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private PrometheusText scrape() {
        return PrometheusText.parse(registry.scrape());
    }

    @Test
    void countersAndGaugesAreNamedLikeMicrometerWouldNameThem() {
        EbpfMetricsProperties.Counter counter = metric(new EbpfMetricsProperties.Counter(), "net", sized("proto", 4, 0));
        counter.setDescription("Traffic by protocol");
        counter.setValues(new ArrayList<>(List.of(value("packets", null), value("bytes", null))));
        counter.getValues().get(1).setBaseUnit("bytes");
        MapSpec structs = TestMaps.map(MapType.HASH, 4, 16, U32,
                struct("stats", 16, member("packets", U64, 0), member("bytes", U64, 8)));
        ValueFamily net = TestMaps.values(ValueFamily.Kind.COUNTER, counter, structs, shared);
        ValueFamily depth = TestMaps.values(ValueFamily.Kind.GAUGE,
                metric(new EbpfMetricsProperties.Gauge(), "queue.depth", sized("queue", 4, 0)), U32_TO_U64, shared);
        try (NativeExport export = PrometheusExport.find(registry, List.of())) {
            export.add(net);
            export.add(depth);
            new TestMaps.Feeder(net).put(u32(6), bytes(16, b -> b.putLong(3).putLong(1500))).read(1);
            new TestMaps.Feeder(depth).put(u32(1), u64(12)).read(1);

            PrometheusText scrape = scrape();
            assertThat(scrape.type("ebpf_net_packets_total")).contains("counter");
            assertThat(scrape.value("ebpf_net_packets_total", s -> s.has("proto", "6"))).isEqualTo(3);
            assertThat(scrape.value("ebpf_net_bytes_total", s -> s.has("proto", "6") && s.has("collection", "test")))
                    .isEqualTo(1500);
            assertThat(scrape.type("ebpf_queue_depth")).contains("gauge");
            assertThat(scrape.value("ebpf_queue_depth", s -> s.has("queue", "1"))).isEqualTo(12);
            assertThat(registry.scrape()).contains("# HELP ebpf_net_packets_total Traffic by protocol");
        }
    }

    @Test
    void meterFiltersMapAndDenySeries() {
        ValueFamily family = TestMaps.values(ValueFamily.Kind.COUNTER,
                metric(new EbpfMetricsProperties.Counter(), "events", sized("id", 4, 0)), U32_TO_U64, shared);
        MeterFilter denyId2 = new MeterFilter() {
            @Override
            public MeterFilterReply accept(Meter.Id id) {
                return "2".equals(id.getTag("id")) ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
            }
        };
        try (NativeExport export = PrometheusExport.find(registry,
                List.of(MeterFilter.commonTags(Tags.of("region", "eu")), denyId2))) {
            export.add(family);
            new TestMaps.Feeder(family).put(u32(1), u64(1)).put(u32(2), u64(2)).put(u32(3), u64(3)).read(1);
            List<PrometheusText.Sample> samples = scrape().samples("ebpf_events_total");
            assertThat(samples).extracting(s -> s.labels().get("id")).containsExactly("1", "3");
            assertThat(samples).allSatisfy(s -> assertThat(s.labels()).containsEntry("region", "eu"));
        }
        ValueFamily denied = TestMaps.values(ValueFamily.Kind.COUNTER,
                metric(new EbpfMetricsProperties.Counter(), "hidden", sized("id", 4, 0)), U32_TO_U64, shared);
        try (NativeExport export = PrometheusExport.find(registry, List.of(MeterFilter.denyNameStartsWith("ebpf.hid")))) {
            export.add(denied);
            new TestMaps.Feeder(denied).put(u32(1), u64(1)).read(1);
            assertThat(scrape().samples("ebpf_hidden_total")).isEmpty();
        }
    }

    @Test
    void staleSeriesLeaveTheScrape() {
        shared.setStaleAfter(Duration.ofNanos(10));
        ValueFamily family = TestMaps.values(ValueFamily.Kind.COUNTER,
                metric(new EbpfMetricsProperties.Counter(), "events", sized("id", 4, 0)), U32_TO_U64, shared);
        try (NativeExport export = PrometheusExport.find(registry, List.of())) {
            export.add(family);
            TestMaps.Feeder feeder = new TestMaps.Feeder(family).put(u32(1), u64(1)).put(u32(2), u64(1));
            feeder.read(0);
            assertThat(scrape().samples("ebpf_events_total")).hasSize(2);
            feeder.remove(u32(1)).read(100);
            assertThat(scrape().samples("ebpf_events_total")).extracting(s -> s.labels().get("id"))
                    .containsExactly("2");
        }
    }

    @Test
    void aManyKeyScrapeListsEverySeriesOnceInLabelOrder() {
        ValueFamily family = TestMaps.values(ValueFamily.Kind.COUNTER,
                metric(new EbpfMetricsProperties.Counter(), "events", sized("id", 4, 0)), U32_TO_U64, shared);
        try (NativeExport export = PrometheusExport.find(registry, List.of())) {
            export.add(family);
            TestMaps.Feeder feeder = new TestMaps.Feeder(family);
            for (int id = 0; id < 1000; id++) {
                feeder.put(u32(id), u64(id));
            }
            feeder.read(1);
            List<PrometheusText.Sample> samples = scrape().samples("ebpf_events_total");
            assertThat(samples).hasSize(1000);
            assertThat(samples).allSatisfy(s -> assertThat(s.value()).isEqualTo(Double.parseDouble(s.labels()
                    .get("id"))));
        }
    }

    /** Meter filters that make two series' labels equal leave the family out of both paths, as the client would. */
    @Test
    void seriesMadeEqualByFiltersLeaveTheFamilyOut() {
        ValueFamily family = TestMaps.values(ValueFamily.Kind.COUNTER,
                metric(new EbpfMetricsProperties.Counter(), "events", sized("id", 4, 0)), U32_TO_U64, shared);
        try (NativeExport export = PrometheusExport.find(registry, List.of(MeterFilter.ignoreTags("id")))) {
            export.add(family);
            new TestMaps.Feeder(family).put(u32(1), u64(1)).put(u32(2), u64(2)).read(1);
            assertThat(scrape().samples("ebpf_events_total")).isEmpty();
            ExpositionBuffer text = new ExpositionBuffer(64);
            ((PrometheusExport) export).writeText(text, false, null);
            assertThat(text.size()).isZero();
        }
    }
}
