package io.ebpf4j.spring.metrics;

import io.ebpf4j.spring.events.EbpfEventsAutoConfiguration;

import io.ebpf4j.testing.PrometheusText;

import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.testing.RequiresKernel;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.InvocationContext;
import org.springframework.boot.actuate.endpoint.ProducibleOperationArgumentResolver;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.actuate.endpoint.web.WebOperation;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import io.ebpf4j.spring.autoconfigure.EbpfAutoConfiguration;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static io.ebpf4j.spring.metrics.KernelFixtures.observe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The metrics auto-configuration against the real kernel: {@code bpf/metrics.bpf.o} is loaded by the starter's
 * auto-configuration, its programs run (a raw tracepoint on this thread's syscalls, an XDP program through
 * BPF_PROG_TEST_RUN), and the published meters and the Prometheus scrape are checked.
 */
@RequiresKernel
class EbpfMetricsKernelTest {
    private static final String C = "ebpf.collections.sys.";

    private final ApplicationContextRunner runner = KernelFixtures.metricsCollection()
            .withPropertyValues(
                    // syscall numbers to names
                    C + "metrics.counters[0].name=syscalls",
                    C + "metrics.counters[0].map=syscalls",
                    C + "metrics.counters[0].description=Syscalls of the test thread",
                    C + "metrics.counters[0].labels[0].name=syscall",
                    C + "metrics.counters[0].labels[0].size=8",
                    C + "metrics.counters[0].labels[0].decoders[0].name=uint",
                    C + "metrics.counters[0].labels[0].decoders[1].name=syscall",
                    // a struct value: two meters per key; labels by BTF member, around the key's padding byte
                    C + "metrics.counters[1].name=net",
                    C + "metrics.counters[1].map=packets",
                    C + "metrics.counters[1].stale-after=500ms",
                    C + "metrics.counters[1].labels[0].name=port",
                    C + "metrics.counters[1].labels[0].field=port",
                    C + "metrics.counters[1].labels[1].name=proto",
                    C + "metrics.counters[1].labels[1].field=proto",
                    C + "metrics.counters[1].labels[1].decoders[0].name=static-map",
                    C + "metrics.counters[1].labels[1].decoders[0].static-map.6=tcp",
                    C + "metrics.counters[1].labels[1].decoders[0].static-map.17=udp",
                    C + "metrics.counters[1].labels[2].name=op",
                    C + "metrics.counters[1].labels[2].field=op",
                    C + "metrics.counters[1].values[0].field=packets",
                    C + "metrics.counters[1].values[0].name=net.packets",
                    C + "metrics.counters[1].values[1].field=bytes",
                    C + "metrics.counters[1].values[1].base-unit=bytes",
                    // per-CPU counts, per CPU
                    C + "metrics.counters[2].name=observations",
                    C + "metrics.counters[2].map=packets_per_cpu",
                    C + "metrics.counters[2].per-cpu=per-cpu",
                    // an exp2 histogram of microseconds, published in seconds
                    C + "metrics.histograms[0].name=latency",
                    C + "metrics.histograms[0].map=latency",
                    C + "metrics.histograms[0].base-unit=seconds",
                    C + "metrics.histograms[0].bucket-type=exp2",
                    C + "metrics.histograms[0].bucket-min=0",
                    C + "metrics.histograms[0].bucket-max=26",
                    C + "metrics.histograms[0].bucket-multiplier=0.000001",
                    C + "metrics.histograms[0].bucket-field=bucket",
                    C + "metrics.histograms[0].labels[0].name=op",
                    C + "metrics.histograms[0].labels[0].field=op");

    @Test
    void aSyscallCounterMovesExactlyWithThisThreadsSyscalls() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            KernelFixtures.getppid(1);
            double before = scrape(registry).value("ebpf_syscalls_total", s -> s.has("syscall", "getppid"));
            KernelFixtures.getppid(25);
            PrometheusText scrape = scrape(registry);
            assertThat(scrape.value("ebpf_syscalls_total", s -> s.has("syscall", "getppid") && s.has("collection",
                    "sys"))).isEqualTo(before + 25);
            assertThat(scrape.type("ebpf_syscalls_total")).contains("counter");
            assertThat(scrape.samples("ebpf_syscalls_total")).extracting(s -> s.labels().get("syscall"))
                    .contains("bpf").noneMatch(name -> name.startsWith("unknown_syscall:"));
        });
    }

    @Test
    void micrometerPublishingGivesFunctionCountersAndPortableHistograms() {
        runner.withPropertyValues("ebpf.metrics.publishing=micrometer").run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            KernelFixtures.getppid(1);
            scrape(registry); // a scrape reads the map: keys new since the last read get their meters
            FunctionCounter getppid = registry.get("ebpf.syscalls").tags("syscall", "getppid", "collection", "sys")
                    .functionCounter();
            double before = getppid.count();
            KernelFixtures.getppid(25);
            assertThat(getppid.count()).isEqualTo(before + 25);
            assertThat(getppid.getId().getDescription()).isEqualTo("Syscalls of the test thread");

            observe(context.getBean("sys.observe", BpfProgram.class), 2, 1, 6, 9, 3);
            PrometheusText first = scrape(registry);
            PrometheusText scrape = first.samples("ebpf_latency_count_total").isEmpty() ? scrape(registry) : first;
            assertThat(scrape.value("ebpf_latency_buckets_total", s -> s.has("op", "9") && s.has("le", "4e-06")))
                    .isEqualTo(2);
            assertThat(scrape.value("ebpf_latency_buckets_total", s -> s.has("op", "9") && s.has("le", "+Inf")))
                    .isEqualTo(2);
            assertThat(scrape.value("ebpf_latency_count_total", s -> s.has("op", "9"))).isEqualTo(2);
            assertThat(scrape.value("ebpf_latency_sum_seconds_total", s -> s.has("op", "9")))
                    .isCloseTo(6e-6, within(1e-12));
        });
    }

    @Test
    void intervalRefreshReadsInTheBackground() {
        runner.withPropertyValues("ebpf.metrics.refresh=interval", "ebpf.metrics.refresh-interval=100ms")
                .run(context -> {
                    PrometheusMeterRegistry registry = context.getBean(PrometheusMeterRegistry.class);
                    observe(context.getBean("sys.observe", BpfProgram.class), 4, 22, 6, 5, 1);
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                            PrometheusText.parse(registry.scrape()).samples("ebpf_net_packets_total",
                                    s -> s.has("port", "22") && s.value() == 4)).hasSize(1));
                });
    }

    @Test
    void aStructValuedMapGivesTwoMetersPerKey() {
        runner.run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            BpfProgram program = context.getBean("sys.observe", BpfProgram.class);
            observe(program, 3, 443, 6, 1, 10);
            observe(program, 2, 53, 17, 2, 10);
            int size = KernelFixtures.observation(0, 0, 0, 0).length;
            PrometheusText scrape = scrape(registry);
            assertThat(scrape.value("ebpf_net_packets_total", s -> s.has("port", "443") && s.has("proto", "tcp")
                    && s.has("op", "1"))).isEqualTo(3);
            assertThat(scrape.value("ebpf_net_packets_total", s -> s.has("proto", "udp"))).isEqualTo(2);
            assertThat(scrape.value("ebpf_net_bytes_total", s -> s.has("port", "53") && s.has("proto", "udp")))
                    .isEqualTo(2 * size);
            assertThat(scrape.value("ebpf_net_bytes_total", s -> s.has("proto", "tcp"))).isEqualTo(3 * size);
        });
    }

    @Test
    void perCpuValuesArePublishedPerCpu() {
        runner.run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            observe(context.getBean("sys.observe", BpfProgram.class), 7, 80, 6, 1, 1);
            List<PrometheusText.Sample> perCpu = scrape(registry).samples("ebpf_observations_total");
            assertThat(perCpu).hasSize(BpfMap.possibleCpus());
            assertThat(perCpu.stream().mapToDouble(PrometheusText.Sample::value).sum()).isEqualTo(7);
            assertThat(perCpu.stream().map(s -> s.labels().get("cpu")).collect(Collectors.toSet()))
                    .hasSize(BpfMap.possibleCpus());
        });
    }

    @Test
    void anExp2LatencyHistogramIsARealPrometheusHistogram() {
        runner.run(context -> {
            BpfProgram program = context.getBean("sys.observe", BpfProgram.class);
            for (long micros : new long[] {1, 2, 3, 4, 5, 1000}) {
                observe(program, 1, 1, 6, 7, micros);
            }
            PrometheusText scrape = PrometheusText.parse(context.getBean(PrometheusMeterRegistry.class).scrape());
            assertThat(scrape.type("ebpf_latency_seconds")).contains("histogram");
            List<PrometheusText.Sample> buckets = scrape.samples("ebpf_latency_seconds_bucket", s -> s.has("op", "7"));
            assertThat(buckets).hasSize(28); // 2^0 .. 2^26 microseconds, +Inf
            assertThat(bucket(buckets, 1e-6)).isEqualTo(1);        // 1
            assertThat(bucket(buckets, 2e-6)).isEqualTo(2);        // 2
            assertThat(bucket(buckets, 4e-6)).isEqualTo(4);        // 3, 4
            assertThat(bucket(buckets, 8e-6)).isEqualTo(5);        // 5
            assertThat(bucket(buckets, 512e-6)).isEqualTo(5);
            assertThat(bucket(buckets, 1024e-6)).isEqualTo(6);     // 1000
            assertThat(bucket(buckets, Double.POSITIVE_INFINITY)).isEqualTo(6);
            assertThat(scrape.value("ebpf_latency_seconds_count", s -> s.has("op", "7"))).isEqualTo(6);
            assertThat(scrape.value("ebpf_latency_seconds_sum", s -> s.has("op", "7")))
                    .isCloseTo(1015e-6, within(1e-12));
            assertThat(buckets).allSatisfy(s -> assertThat(s.labels()).containsEntry("collection", "sys"));
        });
    }

    /**
     * The {@code prometheus} endpoint writes the bounds of BPF histograms as Go's client and ebpf_exporter do, in
     * both text formats (the registry's own writer, used by {@code scrape()} above, spells Java doubles).
     */
    @Test
    void theScrapeEndpointSpellsBucketBoundsAsGoDoes() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(EbpfAutoConfiguration.class, MetricsAutoConfiguration.class,
                        PrometheusMetricsExportAutoConfiguration.class, EbpfEventsAutoConfiguration.class, EbpfMetricsAutoConfiguration.class,
                        EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class))
                .withPropertyValues("ebpf.metrics.min-refresh=0s",
                        C + "object=classpath:bpf/metrics.bpf.o",
                        C + "programs.observe.attach=none",
                        C + "metrics.histograms[0].name=latency",
                        C + "metrics.histograms[0].map=latency",
                        C + "metrics.histograms[0].base-unit=seconds",
                        C + "metrics.histograms[0].bucket-max=26",
                        C + "metrics.histograms[0].bucket-multiplier=0.000001",
                        C + "metrics.histograms[0].bucket-field=bucket",
                        C + "metrics.histograms[0].labels[0].name=op",
                        C + "metrics.histograms[0].labels[0].field=op",
                        "management.endpoints.web.exposure.include=prometheus")
                .run(context -> {
                    observe(context.getBean("sys.observe", BpfProgram.class), 1, 1, 6, 7, 3);
                    String text = scrapeEndpoint(context, "text/plain;version=0.0.4;charset=utf-8");
                    List<PrometheusText.Sample> buckets = PrometheusText.parse(text)
                            .samples("ebpf_latency_seconds_bucket", s -> s.has("op", "7"));
                    assertThat(buckets).extracting(s -> s.labels().get("le")).startsWith("1e-06", "2e-06", "4e-06")
                            .contains("0.001024", "67.108864", "+Inf").noneMatch(le -> le.contains("E"));
                    assertThat(scrapeEndpoint(context, "application/openmetrics-text;version=1.0.0;charset=utf-8"))
                            .contains("le=\"1e-06\"", "le=\"67.108864\"").doesNotContain("le=\"1.0E-6\"");
                });
    }

    private static String scrapeEndpoint(org.springframework.context.ApplicationContext context, String accept) {
        WebOperation scrape = context.getBean(WebEndpointsSupplier.class).getEndpoints().stream()
                .filter(e -> e.getEndpointId().toString().equals("prometheus")).findFirst().orElseThrow()
                .getOperations().iterator().next();
        WebEndpointResponse<?> response = (WebEndpointResponse<?>) scrape.invoke(new InvocationContext(
                SecurityContext.NONE, new java.util.HashMap<>(),
                new ProducibleOperationArgumentResolver(() -> List.of(accept))));
        return new String((byte[]) response.getBody(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static PrometheusText scrape(MeterRegistry registry) {
        return PrometheusText.parse(((PrometheusMeterRegistry) registry).scrape());
    }

    private static double bucket(List<PrometheusText.Sample> buckets, double le) {
        return buckets.stream().filter(s -> (le == Double.POSITIVE_INFINITY ? "+Inf" : Double.toString(le))
                .equals(s.labels().get("le"))).findFirst().orElseThrow().value();
    }

    @Test
    void aKeyDeletedFromTheMapDisappearsAfterStaleAfter() {
        runner.run(context -> {
            PrometheusMeterRegistry registry = context.getBean(PrometheusMeterRegistry.class);
            observe(context.getBean("sys.observe", BpfProgram.class), 1, 8080, 6, 3, 1);
            observe(context.getBean("sys.observe", BpfProgram.class), 1, 9090, 6, 3, 1);
            scrape(registry);
            assertThat(PrometheusText.parse(registry.scrape()).samples("ebpf_net_packets_total", s -> s.has("port", "8080")))
                    .hasSize(1);
            BpfMap packets = context.getBean("sys.packets", BpfMap.class);
            ByteBuffer key = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            key.putShort((short) 8080).put((byte) 6).put((byte) 0).putInt(3);
            assertThat(packets.delete(key.array())).isTrue();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                PrometheusText scrape = PrometheusText.parse(registry.scrape());
                assertThat(scrape.samples("ebpf_net_packets_total", s -> s.has("port", "8080"))).isEmpty();
                assertThat(scrape.samples("ebpf_net_packets_total", s -> s.has("port", "9090"))).hasSize(1);
            });
        });
    }

    /**
     * With {@code min-refresh: 0s} a scrape reads each map once: not once more for the entries gauge, nor once per
     * metric or struct member fed by the map ({@code packets} feeds two counters here and a gauge).
     */
    @Test
    void aScrapeReadsEachMapOnce() {
        runner.withPropertyValues(C + "metrics.gauges[0].name=packets.now", C + "metrics.gauges[0].map=packets",
                C + "metrics.gauges[0].values[0].field=packets").run(context -> {
                    PrometheusMeterRegistry registry = context.getBean(PrometheusMeterRegistry.class);
                    observe(context.getBean("sys.observe", BpfProgram.class), 1, 80, 6, 1, 1);
                    registry.scrape();
                    long packets = registry.get("ebpf.map.read").tags("map", "packets").timer().count();
                    long syscalls = registry.get("ebpf.map.read").tags("map", "syscalls").timer().count();
                    for (int i = 0; i < 30; i++) {
                        registry.scrape();
                    }
                    assertThat(registry.get("ebpf.map.read").tags("map", "packets").timer().count())
                            .isEqualTo(packets + 30);
                    assertThat(registry.get("ebpf.map.read").tags("map", "syscalls").timer().count())
                            .isEqualTo(syscalls + 30);
                });
    }

    /**
     * One metric name in two collections: with the same label names Prometheus gets one family holding both
     * collections' series; with different label names start-up fails naming both places, instead of every scrape.
     */
    @Test
    void oneMetricNameInTwoCollectionsIsOneFamilyOrAStartupFailure() {
        String[] two = {"ebpf.collections.a.object=classpath:bpf/metrics.bpf.o",
            "ebpf.collections.a.programs.observe.attach=none",
            "ebpf.collections.a.constants.target_tid=" + KernelFixtures.threadId(),
            "ebpf.collections.a.metrics.counters[0].name=migrations",
            "ebpf.collections.a.metrics.counters[0].map=syscalls",
            "ebpf.collections.a.metrics.counters[0].labels[0].name=syscall",
            "ebpf.collections.a.metrics.counters[0].labels[0].size=8",
            "ebpf.collections.b.object=classpath:bpf/metrics.bpf.o",
            "ebpf.collections.b.programs.observe.attach=none",
            "ebpf.collections.b.constants.target_tid=" + KernelFixtures.threadId(),
            "ebpf.collections.b.metrics.counters[0].name=migrations",
            "ebpf.collections.b.metrics.counters[0].map=syscalls",
            "ebpf.collections.b.metrics.counters[0].labels[0].name=syscall",
            "ebpf.collections.b.metrics.counters[0].labels[0].size=8"};
        KernelFixtures.metricsApplication().withPropertyValues(two).run(context -> {
            assertThat(context).hasNotFailed();
            KernelFixtures.getppid(1);
            PrometheusText scrape = scrape(context.getBean(MeterRegistry.class));
            assertThat(scrape.type("ebpf_migrations_total")).contains("counter");
            assertThat(scrape.samples("ebpf_migrations_total")).extracting(s -> s.labels().get("collection"))
                    .contains("a", "b");
            assertThat(scrape.samples("ebpf_map_max_entries")).isNotEmpty(); // and the rest of the scrape
        });
        KernelFixtures.metricsApplication().withPropertyValues(two)
                .withPropertyValues("ebpf.collections.b.metrics.counters[0].labels[0].name=number")
                .run(context -> {
                    Throwable failure = context.getStartupFailure();
                    while (failure != null && !(failure instanceof io.ebpf4j.spring.EbpfConfigurationException)) {
                        failure = failure.getCause();
                    }
                    assertThat(failure).isNotNull().hasMessageContaining("'ebpf.migrations'")
                            .hasMessageContaining("ebpf.collections.a.metrics.counters[0]")
                            .hasMessageContaining("[collection, syscall] there and [collection, number] here");
                    assertThat(((io.ebpf4j.spring.EbpfConfigurationException) failure).property())
                            .isEqualTo("ebpf.collections.b.metrics.counters[0]");
                });
    }

    @Test
    void builtInMetersDescribeProgramsMapsAndReads() {
        runner.run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            BpfProgram program = context.getBean("sys.observe", BpfProgram.class);
            observe(program, 5, 1, 6, 1, 1);
            scrape(registry); // reads every map
            assertThat(registry.get("ebpf.program.attached").tags("collection", "sys", "program", "count_syscalls")
                    .gauge().value()).isEqualTo(1);
            assertThat(registry.get("ebpf.program.attached").tags("program", "observe").gauge().value()).isZero();
            FunctionTimer runs = registry.get("ebpf.program.run").tags("program", "observe").functionTimer();
            assertThat(runs.count()).as("BPF_ENABLE_STATS is held while the application runs").isEqualTo(5);
            assertThat(runs.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
            assertThat(registry.get("ebpf.map.max.entries").tags("map", "packets").gauge().value()).isEqualTo(1024);
            assertThat(registry.get("ebpf.map.entries").tags("map", "packets").gauge().value()).isEqualTo(1);
            assertThat(registry.get("ebpf.map.entries").tags("map", "packets_per_cpu").gauge().value()).isEqualTo(1);
            assertThat(registry.find("ebpf.map.max.entries").tags("map", ".rodata").gauges()).isEmpty();
            assertThat(registry.get("ebpf.map.read").tags("map", "packets").timer().count()).isPositive();
            assertThat(registry.get("ebpf.series").tags("metric", "net").gauge().value()).isEqualTo(1);
            assertThat(registry.get("ebpf.series.dropped").tags("metric", "net").gauge().value()).isZero();
            assertThat(registry.get("ebpf.decoder.errors").tags("metric", "net").functionCounter().count()).isZero();
        });
    }
}
