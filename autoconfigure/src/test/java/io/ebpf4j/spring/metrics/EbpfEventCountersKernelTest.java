package io.ebpf4j.spring.metrics;

import io.ebpf4j.spring.events.EbpfRecordEvent;

import io.ebpf4j.testing.PrometheusText;

import io.ebpf4j.BpfProgram;
import io.ebpf4j.TestRun;
import io.ebpf4j.testing.RequiresKernel;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Event counters over a ring buffer and a perf event array fed by {@code bpf/events.bpf.o}: records are decoded
 * with the label machinery into counters, and published as {@link EbpfRecordEvent}s when asked.
 */
@RequiresKernel
class EbpfEventCountersKernelTest {
    private static final String C = "ebpf.collections.ev.";

    @Configuration(proxyBeanMethods = false)
    static class Listener {
        final List<EbpfRecordEvent> received = new CopyOnWriteArrayList<>();

        @Bean
        ApplicationListener<EbpfRecordEvent> recordListener() {
            return received::add;
        }
    }

    private final ApplicationContextRunner runner = KernelFixtures.metricsApplication()
            .withUserConfiguration(Listener.class)
            .withPropertyValues(
                    C + "object=classpath:bpf/events.bpf.o",
                    C + "programs.emit.attach=none",
                    // ring buffer: labels by BTF field of the record type, records published as events
                    C + "metrics.event-counters[0].name=ring.records",
                    C + "metrics.event-counters[0].map=ring",
                    C + "metrics.event-counters[0].record-type=event",
                    C + "metrics.event-counters[0].publish-events=true",
                    C + "metrics.event-counters[0].labels[0].name=kind",
                    C + "metrics.event-counters[0].labels[0].field=kind",
                    C + "metrics.event-counters[0].labels[0].decoders[0].name=static-map",
                    C + "metrics.event-counters[0].labels[0].decoders[0].static-map.1=open",
                    C + "metrics.event-counters[0].labels[0].decoders[0].static-map.2=close",
                    // perf event array: labels by size, ebpf_exporter style
                    C + "metrics.event-counters[1].name=perf.records",
                    C + "metrics.event-counters[1].map=samples",
                    C + "metrics.event-counters[1].labels[0].name=pid",
                    C + "metrics.event-counters[1].labels[0].size=4",
                    C + "metrics.event-counters[1].labels[1].name=kind",
                    C + "metrics.event-counters[1].labels[1].size=2");

    private static void emit(BpfProgram program, int times, int kind) {
        ByteBuffer packet = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        packet.putShort(14, (short) kind);
        program.testRun(TestRun.of(packet.array()).withRepeat(times));
    }

    @Test
    void recordsAreCountedByTheirLabelsAndPublishedAsEvents() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            BpfProgram emit = context.getBean("ev.emit", BpfProgram.class);
            emit(emit, 3, 1);
            emit(emit, 2, 2);
            emit(emit, 1, 0);
            PrometheusMeterRegistry registry = context.getBean(PrometheusMeterRegistry.class);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                PrometheusText scrape = PrometheusText.parse(registry.scrape());
                assertThat(scrape.value("ebpf_ring_records_total", s -> s.has("kind", "open"))).isEqualTo(3);
                assertThat(scrape.value("ebpf_ring_records_total", s -> s.has("kind", "close"))).isEqualTo(2);
                assertThat(scrape.samples("ebpf_ring_records_total")).hasSize(2);
                assertThat(scrape.value("ebpf_perf_records_total", s -> s.has("pid", "42") && s.has("kind", "1")))
                        .isEqualTo(3);
                assertThat(scrape.value("ebpf_perf_records_total", s -> s.has("kind", "0"))).isEqualTo(1);
            });
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("ebpf.events.read").tags("map", "ring").functionCounter().count()).isEqualTo(5);
            assertThat(meters.get("ebpf.events.lost").tags("map", "ring").functionCounter().count())
                    .as("the discarded record").isEqualTo(1);
            assertThat(meters.get("ebpf.events.read").tags("map", "samples").functionCounter().count())
                    .isEqualTo(6);
            assertThat(meters.get("ebpf.events.lost").tags("map", "samples").functionCounter().count()).isZero();

            List<EbpfRecordEvent> events = context.getBean(Listener.class).received;
            assertThat(events).hasSize(5).allSatisfy(e -> {
                assertThat(e.getCollection()).isEqualTo("ev");
                assertThat(e.getMap()).isEqualTo("ring");
                assertThat(e.getCounter()).isEqualTo("ring.records");
                assertThat(e.getRecord()).hasSize(16);
                assertThat(ByteBuffer.wrap(e.getRecord()).order(ByteOrder.nativeOrder()).getInt(0)).isEqualTo(42);
            });
            assertThat(events).extracting(EbpfRecordEvent::getLabels)
                    .containsExactly(Map.of("kind", "open"), Map.of("kind", "open"), Map.of("kind", "open"),
                            Map.of("kind", "close"), Map.of("kind", "close"));
        });
    }
}
