package io.ebpf4j.spring.metrics;

import io.ebpf4j.spring.events.EbpfEventsAutoConfiguration;

import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.UpdateFlags;
import io.ebpf4j.spring.autoconfigure.EbpfAutoConfiguration;
import io.ebpf4j.testing.RequiresKernel;

import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

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
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ebpf4j.spring.metrics.KernelFixtures.observe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The map metrics' text in the {@code prometheus} endpoint, written by {@link PrometheusExport#writeText}, against
 * the Prometheus client's own writers over the data points of the same families: counters, gauges and histograms of
 * real maps of {@code bpf/metrics.bpf.o}, label values that need escaping, and one name shared by two collections.
 */
@RequiresKernel
class PrometheusScrapeTextKernelTest {
    private static final String TEXT = "text/plain;version=0.0.4;charset=utf-8";
    private static final String OPEN_METRICS = "application/openmetrics-text;version=1.0.0;charset=utf-8";
    /** A label value with everything the text formats escape, and characters beyond ASCII. */
    private static final String AWKWARD = "tc\"p\\ü\n€ \uD83D\uDE00";
    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EbpfAutoConfiguration.class, MetricsAutoConfiguration.class,
                    PrometheusMetricsExportAutoConfiguration.class, EbpfEventsAutoConfiguration.class, EbpfMetricsAutoConfiguration.class,
                    EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class))
            .withPropertyValues("ebpf.metrics.min-refresh=0s", "management.endpoints.web.exposure.include=prometheus")
            .withPropertyValues(collection("sys"))
            .withPropertyValues(collection("other"));

    /** {@code bpf/metrics.bpf.o} as {@code name}, publishing counters, a gauge and a histogram of its maps. */
    private static String[] collection(String name) {
        String c = "ebpf.collections." + name + ".";
        return new String[] {
            c + "object=classpath:bpf/metrics.bpf.o",
            c + "programs.observe.attach=none",
            c + "metrics.counters[0].name=net",
            c + "metrics.counters[0].map=packets",
            c + "metrics.counters[0].description=Traffic \"by\" port, \\ and\nmore",
            c + "metrics.counters[0].labels[0].name=port",
            c + "metrics.counters[0].labels[0].field=port",
            c + "metrics.counters[0].labels[1].name=proto",
            c + "metrics.counters[0].labels[1].field=proto",
            c + "metrics.counters[0].labels[1].decoders[0].name=static-map",
            c + "metrics.counters[0].labels[1].decoders[0].static-map.6=" + AWKWARD,
            c + "metrics.counters[0].labels[1].decoders[0].static-map.17=udp",
            c + "metrics.counters[0].labels[2].name=op",
            c + "metrics.counters[0].labels[2].field=op",
            c + "metrics.counters[0].values[0].field=packets",
            c + "metrics.counters[0].values[0].name=net.packets",
            c + "metrics.counters[0].values[1].field=bytes",
            c + "metrics.counters[0].values[1].base-unit=bytes",
            c + "metrics.gauges[0].name=packets.now",
            c + "metrics.gauges[0].map=packets",
            c + "metrics.gauges[0].labels[0].name=port",
            c + "metrics.gauges[0].labels[0].field=port",
            c + "metrics.gauges[0].values[0].field=packets",
            c + "metrics.histograms[0].name=latency",
            c + "metrics.histograms[0].map=latency",
            c + "metrics.histograms[0].base-unit=seconds",
            c + "metrics.histograms[0].bucket-max=26",
            c + "metrics.histograms[0].bucket-multiplier=0.000001",
            c + "metrics.histograms[0].bucket-field=bucket",
            c + "metrics.histograms[0].labels[0].name=op",
            c + "metrics.histograms[0].labels[0].field=op"};
    }

    @Test
    void theTextIsTheClientsTextOfTheSameFamiliesWithGoBucketBounds() {
        runner.run(context -> {
            fill(context);
            PrometheusExport export = export(context);
            MetricSnapshots snapshots = export.collect();
            assertThat(snapshots.stream().mapToInt(s -> s.getDataPoints().size()).sum()).isGreaterThan(100);

            ByteArrayOutputStream client = new ByteArrayOutputStream();
            PrometheusTextFormatWriter.create().write(client, snapshots);
            assertThat(written(export, false)).isEqualTo(goBounds(client.toString(StandardCharsets.UTF_8), false));

            client.reset();
            OpenMetricsTextFormatWriter.create().write(client, snapshots);
            String openMetrics = client.toString(StandardCharsets.UTF_8);
            assertThat(openMetrics).endsWith("# EOF\n");
            assertThat(written(export, true) + "# EOF\n").isEqualTo(goBounds(openMetrics, true));
        });
    }

    @Test
    void theEndpointServesTheRegistrysFamiliesThenTheMapMetricsOnce() {
        runner.run(context -> {
            fill(context);
            PrometheusExport export = export(context);
            String text = scrapeEndpoint(context, TEXT, null);
            assertThat(text).endsWith(written(export, false));
            assertThat(text).contains("# TYPE ebpf_map_entries gauge\n", "ebpf_latency_seconds_bucket{collection=\"sys\",op=\"7\",le=\"1e-06\"}");
            assertThat(count(text, "# TYPE ebpf_net_packets_total counter\n")).isEqualTo(1);

            String openMetrics = scrapeEndpoint(context, OPEN_METRICS, null);
            assertThat(openMetrics).endsWith(written(export, true) + "# EOF\n");
            assertThat(count(openMetrics, "# EOF")).isEqualTo(1);
            assertThat(count(openMetrics, "# TYPE ebpf_net_packets counter\n")).isEqualTo(1);
        });
    }

    @Test
    void includedNamesSelectMapMetricsAsOtherFamilies() {
        runner.run(context -> {
            fill(context);
            String text = scrapeEndpoint(context, TEXT, "ebpf_packets_now_packets,ebpf_map_entries");
            assertThat(text).contains("# TYPE ebpf_packets_now_packets gauge\n", "# TYPE ebpf_map_entries gauge\n")
                    .doesNotContain("ebpf_net_packets_total", "ebpf_latency_seconds");
        });
    }

    /**
     * The endpoint's whole text (0.0.4: promtool parses no other format), map metrics and the registry's own,
     * passes Prometheus's own checker.
     */
    @Test
    void promtoolAcceptsTheEndpointsText() {
        Path promtool = Path.of("/usr/bin/promtool");
        assumeThat(Files.isExecutable(promtool)).as("promtool (apt-get install prometheus)").isTrue();
        runner.run(context -> {
            fill(context);
            Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true)
                    .start();
            check.getOutputStream().write(scrapeEndpoint(context, TEXT, null).getBytes(StandardCharsets.UTF_8));
            check.getOutputStream().close();
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            // promtool also lints (help texts, unit suffixes: exit status 3); a text it cannot parse is exit
            // status 1, "error while linting"
            assertThat(check.waitFor()).as(output).isIn(0, 3);
            assertThat(output).doesNotContain("error while linting");
        });
    }

    /** Keys for the XDP program's maps, and enough more series to make the merge of two collections matter. */
    private static void fill(ApplicationContext context) throws IOException {
        for (String collection : List.of("sys", "other")) {
            BpfProgram observe = context.getBean(collection + ".observe", BpfProgram.class);
            observe(observe, 3, 8080, 6, 7, 3);
            observe(observe, 2, 9090, 17, 7, 1500);
            observe(observe, 1, 53, 17, 2, 40);
            BpfMap packets = context.getBean(collection + ".packets", BpfMap.class);
            for (int port = 1; port <= 60; port++) {
                ByteBuffer key = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
                key.putShort((short) (collection.equals("sys") ? port * 2 : port * 3)).put((byte) 6).put((byte) 0)
                        .putInt(port % 4);
                ByteBuffer value = ByteBuffer.allocate(packets.valueSize()).order(ByteOrder.nativeOrder());
                value.putLong(port * 1_000_003L).putLong(port * 12_345_678_901L);
                packets.update(key.array(), value.array(), UpdateFlags.ANY);
            }
        }
    }

    private static PrometheusExport export(ApplicationContext context) {
        List<NativeExport> exports = context.getBean(EbpfMetrics.class).nativeExports();
        assertThat(exports).hasSize(1);
        return (PrometheusExport) exports.get(0);
    }

    private static String written(PrometheusExport export, boolean openMetrics) {
        ExpositionBuffer buffer = new ExpositionBuffer(1024);
        export.writeText(buffer, openMetrics, null);
        return new String(buffer.toByteArray(), StandardCharsets.UTF_8);
    }

    /** The client's text with bucket bounds as Go spells them (the one difference meant). */
    private static String goBounds(String text, boolean openMetrics) {
        Matcher matcher = LE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String bound = matcher.group(1);
            double value = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            matcher.appendReplacement(out, Matcher.quoteReplacement("le=\""
                    + (openMetrics ? GoFloats.formatOpenMetrics(value) : GoFloats.format(value)) + "\""));
        }
        return matcher.appendTail(out).toString();
    }

    private static int count(String text, String what) {
        return text.split(Pattern.quote(what), -1).length - 1;
    }

    private static String scrapeEndpoint(ApplicationContext context, String accept, String includedNames) {
        WebOperation scrape = context.getBean(WebEndpointsSupplier.class).getEndpoints().stream()
                .filter(e -> e.getEndpointId().toString().equals("prometheus")).findFirst().orElseThrow()
                .getOperations().iterator().next();
        Map<String, Object> arguments = new HashMap<>();
        if (includedNames != null) {
            arguments.put("includedNames", includedNames);
        }
        WebEndpointResponse<?> response = (WebEndpointResponse<?>) scrape.invoke(new InvocationContext(
                SecurityContext.NONE, arguments, new ProducibleOperationArgumentResolver(() -> List.of(accept))));
        return new String((byte[]) response.getBody(), StandardCharsets.UTF_8);
    }
}
