package io.ebpf4j.spring.metrics;

import io.ebpf4j.spring.events.EbpfRecordEvent;

import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.TestRun;
import io.ebpf4j.testing.PrometheusText;
import io.ebpf4j.testing.RequiresKernel;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an application sees when the kernel side overflows: a hash map at max_entries (the kernel refuses new keys)
 * and event buffers that overrun (perf samples dropped, ring buffer reservations refused). Each is surfaced by a
 * metric (and a full map by a warning), every record is accounted for, and the application keeps serving scrapes.
 */
@RequiresKernel
@ExtendWith(OutputCaptureExtension.class)
class OverloadKernelTest {
    private static final int BURST = 100_000;

    private final ApplicationContextRunner runner = KernelFixtures.metricsApplication();

    @Test
    void aFullHashMapShowsInItsGaugesAndIsLoggedOnceWhileTheApplicationKeepsServing(CapturedOutput output) {
        String c = "ebpf.collections.sys.";
        runner.withPropertyValues(c + "object=classpath:bpf/metrics.bpf.o",
                c + "programs.count_syscalls.attach=none",
                c + "programs.observe.attach=none",
                c + "map-overrides.packets.max-entries=16",
                c + "metrics.counters[0].name=net",
                c + "metrics.counters[0].map=packets",
                c + "metrics.counters[0].labels[0].name=port",
                c + "metrics.counters[0].labels[0].field=port",
                c + "metrics.counters[0].values[0].field=packets",
                c + "metrics.counters[0].values[0].name=net.packets").run(context -> {
            assertThat(context).hasNotFailed();
            BpfProgram observe = context.getBean("sys.observe", BpfProgram.class);
            PrometheusMeterRegistry registry = context.getBean(PrometheusMeterRegistry.class);
            for (int port = 1; port <= 20; port++) {
                KernelFixtures.observe(observe, 1, port, 6, 0, 1);
            }
            PrometheusText scrape = PrometheusText.parse(registry.scrape());
            assertThat(scrape.value("ebpf_map_entries", "map", "packets")).hasValue(16.0);
            assertThat(scrape.value("ebpf_map_max_entries", "map", "packets")).hasValue(16.0);
            assertThat(scrape.samples("ebpf_net_packets_total")).as("the 16 ports that got in").hasSize(16);
            assertThat(output).contains("BPF map 'packets' of collection 'sys' is full (16 of 16 entries)",
                    "ebpf.collections.sys.map-overrides.packets.max-entries");

            // the keys already in keep counting, and further scrapes neither fail nor warn again
            KernelFixtures.observe(observe, 5, 1, 6, 0, 1);
            PrometheusText later = PrometheusText.parse(registry.scrape());
            assertThat(later.value("ebpf_net_packets_total", "port", "1")).hasValue(6.0);
            assertThat(output.toString().split("is full \\(", -1)).as("one warning").hasSize(2);
            System.out.println("[reliability] full map: 20 keys into 16 entries, entries = max.entries = 16,"
                    + " one warning, the 16 keys in keep counting");
        });
    }

    /** A slow consumer: the first record event blocks the reader until the test opens the gate. */
    @Configuration(proxyBeanMethods = false)
    static class Gate {
        final CountDownLatch open = new CountDownLatch(1);
        final CountDownLatch blocked = new CountDownLatch(1);

        @Bean
        ApplicationListener<EbpfRecordEvent> slowListener() {
            return event -> {
                blocked.countDown();
                try {
                    open.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
        }
    }

    @Test
    void perfSamplesTheKernelDropsAreCountedAsLostAndEverySampleIsAccountedFor() {
        String c = "ebpf.collections.ev.";
        runner.withUserConfiguration(Gate.class).withPropertyValues(c + "object=classpath:bpf/events.bpf.o",
                c + "programs.emit.attach=none",
                c + "metrics.event-counters[0].name=samples",
                c + "metrics.event-counters[0].map=samples",
                c + "metrics.event-counters[0].publish-events=true").run(context -> {
            assertThat(context).hasNotFailed();
            BpfProgram emit = context.getBean("ev.emit", BpfProgram.class);
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            Gate gate = context.getBean(Gate.class);
            emit(emit, 1, 1);
            assertThat(gate.blocked.await(10, TimeUnit.SECONDS)).as("the reader is stuck in the listener").isTrue();
            emit(emit, BURST, 1);
            gate.open.countDown();
            // the kernel reports a loss with the next sample it has room for: one more sample per poll until the
            // reader, having drained the ring, has seen every sample as read or lost
            AtomicInteger extra = new AtomicInteger();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (read(meters, "samples") + lost(meters, "samples") == 1 + BURST + extra.get()) {
                    return true;
                }
                emit(emit, 1, 1);
                extra.incrementAndGet();
                return false;
            });
            // test runs may move between CPUs: at most every CPU's ring (256 KiB, 8192 samples) was filled
            assertThat(lost(meters, "samples")).as("samples the kernel dropped: all but what the rings held")
                    .isGreaterThanOrEqualTo(BURST - BpfMap.possibleCpus() * (256 << 10) / 32.0);
            assertThat(PrometheusText.parse(context.getBean(PrometheusMeterRegistry.class).scrape())
                    .value("ebpf_events_lost_total", "map", "samples")).hasValue(lost(meters, "samples"));
            System.out.printf("[reliability] perf overrun: %d samples behind a blocked reader, %.0f read, %.0f lost"
                    + " (ebpf_events_lost_total), none unaccounted%n", 1 + BURST + extra.get(),
                    read(meters, "samples"), lost(meters, "samples"));
        });
    }

    @Test
    void ringBufferReservationsTheKernelRefusesAreCountedByTheProgramAndEveryRecordIsAccountedFor() {
        String c = "ebpf.collections.ev.";
        runner.withPropertyValues(c + "object=classpath:bpf/events.bpf.o",
                c + "programs.emit.attach=none",
                c + "map-overrides.ring.max-entries=4096", // 170 records of 24 bytes
                c + "metrics.event-counters[0].name=ring.records",
                c + "metrics.event-counters[0].map=ring",
                c + "metrics.counters[0].name=ring.full",
                c + "metrics.counters[0].map=ring_full").run(context -> {
            assertThat(context).hasNotFailed();
            BpfProgram emit = context.getBean("ev.emit", BpfProgram.class);
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            PrometheusMeterRegistry registry = context.getBean(PrometheusMeterRegistry.class);
            emit(emit, BURST, 1);
            emit(emit, 10, 0); // reserved and discarded, where there is room
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                double full = PrometheusText.parse(registry.scrape()).value("ebpf_ring_full_total", s -> true);
                assertThat(full).as("reservations refused").isPositive();
                assertThat(read(meters, "ring") + lost(meters, "ring") + full).isEqualTo(BURST + 10);
            });
            System.out.printf("[reliability] ring buffer overrun: %d records into 4 KiB, %.0f read, %.0f discarded,"
                    + " %.0f refused (ebpf_ring_full_total), none unaccounted%n", BURST + 10, read(meters, "ring"),
                    lost(meters, "ring"), PrometheusText.parse(registry.scrape()).value("ebpf_ring_full_total",
                            s -> true));
        });
    }

    private static void emit(BpfProgram program, int times, int kind) {
        ByteBuffer packet = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        packet.putShort(14, (short) kind);
        program.testRun(TestRun.of(packet.array()).withRepeat(times));
    }

    private static double read(MeterRegistry meters, String map) {
        return meters.get("ebpf.events.read").tags("map", map).functionCounter().count();
    }

    private static double lost(MeterRegistry meters, String map) {
        return meters.get("ebpf.events.lost").tags("map", map).functionCounter().count();
    }
}
