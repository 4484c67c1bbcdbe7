package io.ebpf4j.spring.metrics;

import io.ebpf4j.spring.events.EbpfEventsAutoConfiguration;

import io.ebpf4j.spring.events.EbpfEventSources;

import io.ebpf4j.CollectionSpec;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.EbpfConfigurationException;
import io.ebpf4j.spring.ManagedCollection;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Conditions and configuration errors of the metrics auto-configuration, over a parsed but not loaded object. */
class EbpfMetricsAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class, EbpfEventsAutoConfiguration.class, EbpfMetricsAutoConfiguration.class));

    /** The fixture parsed, not loaded: enough to check configurations against its maps and BTF. */
    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(io.ebpf4j.spring.autoconfigure.EbpfProperties.class)
    static class ParsedCollection {
        @Bean
        EbpfCollections ebpfCollections() throws IOException {
            CollectionSpec spec;
            try (InputStream in = getClass().getResourceAsStream("/bpf/metrics.bpf.o")) {
                spec = CollectionSpec.load(in.readAllBytes());
            }
            ManagedCollection parsed = new ManagedCollection("sys", spec, null, ManagedCollection.Status.LOADED, null,
                    List.of());
            return new EbpfCollections() {
                @Override
                public Collection<ManagedCollection> all() {
                    return List.of(parsed);
                }

                @Override
                public Optional<ManagedCollection> get(String name) {
                    return name.equals("sys") ? Optional.of(parsed) : Optional.empty();
                }
            };
        }
    }

    @Test
    void needsTheCollectionRegistry() {
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(EbpfMetrics.class));
    }

    @Test
    void bindsToTheApplicationsRegistry() {
        runner.withUserConfiguration(ParsedCollection.class)
                .withPropertyValues("ebpf.collections.sys.object=classpath:bpf/metrics.bpf.o",
                        "ebpf.metrics.program-statistics=false")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(EbpfMetrics.class);
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("ebpf.map.max.entries").tags("collection", "sys", "map", "packets")
                            .gauge().value()).isEqualTo(1024);
                });
    }

    @Test
    void backsOffWithoutMicrometerOrWhenTheApplicationHasItsOwn() {
        runner.withUserConfiguration(ParsedCollection.class)
                .withClassLoader(new FilteredClassLoader("io.micrometer"))
                .run(context -> assertThat(context).doesNotHaveBean(EbpfMetrics.class));
        runner.withUserConfiguration(ParsedCollection.class)
                .withBean("custom", EbpfMetrics.class, () -> new EbpfMetrics(TestMaps.NO_COLLECTIONS,
                        new io.ebpf4j.spring.autoconfigure.EbpfProperties(), new EbpfMetricsProperties(),
                        new EbpfEventSources(TestMaps.NO_COLLECTIONS), List.of(), List.of()))
                .run(context -> assertThat(context).getBeanNames(EbpfMetrics.class).containsExactly("custom"));
    }

    private static EbpfConfigurationException configurationFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof EbpfConfigurationException e) {
                return e;
            }
        }
        throw new AssertionError("no EbpfConfigurationException in " + failure, failure);
    }

    @Test
    void aMetricThatDoesNotFitItsMapStopsTheApplicationNamingTheProperty() {
        runner.withUserConfiguration(ParsedCollection.class)
                .withPropertyValues("ebpf.collections.sys.object=classpath:bpf/metrics.bpf.o",
                        "ebpf.collections.sys.metrics.counters[0].map=packets",
                        "ebpf.collections.sys.metrics.counters[0].labels[0].name=port",
                        "ebpf.collections.sys.metrics.counters[0].labels[0].field=prot")
                .run(context -> {
                    EbpfConfigurationException failure = configurationFailure(context.getStartupFailure());
                    assertThat(failure.property()).isEqualTo("ebpf.collections.sys.metrics.counters[0]");
                    assertThat(failure).hasMessage("BPF collection 'sys': metric 'packets' (counters[0]): the key"
                            + " type struct packet_key has no member 'prot'; members: [port, proto, op]");
                });
        runner.withUserConfiguration(ParsedCollection.class)
                .withPropertyValues("ebpf.collections.sys.object=classpath:bpf/metrics.bpf.o",
                        "ebpf.collections.sys.metrics.histograms[0].map=latency",
                        "ebpf.collections.sys.metrics.histograms[0].bucket-field=bucket",
                        "ebpf.collections.sys.metrics.histograms[0].bucket-max=26",
                        "ebpf.collections.sys.metrics.histograms[0].per-cpu=max")
                .run(context -> assertThat(configurationFailure(context.getStartupFailure()))
                        .hasMessageContaining("histograms[0]").hasMessageContaining("'max' does not apply"));
        runner.withUserConfiguration(ParsedCollection.class)
                .withPropertyValues("ebpf.collections.sys.object=classpath:bpf/metrics.bpf.o",
                        "ebpf.collections.sys.metrics.gauges[0].map=nope")
                .run(context -> assertThat(configurationFailure(context.getStartupFailure()))
                        .hasMessageContaining("no map 'nope'").hasMessageContaining("packets"));
    }

    @Test
    void aMetricWithoutMapOrWithAWrongMapIsNotNamedAfterTheMap() {
        runner.withUserConfiguration(ParsedCollection.class)
                .withPropertyValues("ebpf.collections.sys.object=classpath:bpf/metrics.bpf.o",
                        "ebpf.collections.sys.metrics.counters[0].labels[0].name=port")
                .run(context -> assertThat(configurationFailure(context.getStartupFailure())).hasMessage(
                        "BPF collection 'sys': counters[0]: 'map' is required: the map to read"));
        runner.withUserConfiguration(ParsedCollection.class)
                .withPropertyValues("ebpf.collections.sys.object=classpath:bpf/metrics.bpf.o",
                        "ebpf.collections.sys.metrics.event-counters[0].name=oom.kills")
                .run(context -> assertThat(configurationFailure(context.getStartupFailure())).hasMessage(
                        "BPF collection 'sys': metric 'oom.kills' (event-counters[0]): 'map' is required: the ring"
                                + " buffer or perf event array to read"));
        runner.withUserConfiguration(ParsedCollection.class)
                .withPropertyValues("ebpf.collections.sys.object=classpath:bpf/metrics.bpf.o",
                        "ebpf.collections.sys.metrics.gauges[0].map=nope")
                .run(context -> assertThat(configurationFailure(context.getStartupFailure()))
                        .hasMessageStartingWith("BPF collection 'sys': gauges[0]: no map 'nope'; maps: ["));
    }

    @Test
    void labelDecoderBeansCanBeNamedInChains() {
        String[] config = {"ebpf.collections.sys.object=classpath:bpf/metrics.bpf.o",
            "ebpf.collections.sys.metrics.counters[0].map=syscalls",
            "ebpf.collections.sys.metrics.counters[0].labels[0].name=syscall",
            "ebpf.collections.sys.metrics.counters[0].labels[0].size=8",
            "ebpf.collections.sys.metrics.counters[0].labels[0].decoders[0].name=uint",
            "ebpf.collections.sys.metrics.counters[0].labels[0].decoders[1].name=tenant"};
        runner.withUserConfiguration(ParsedCollection.class).withPropertyValues(config)
                .run(context -> assertThat(configurationFailure(context.getStartupFailure()))
                        .hasMessageContaining("unknown decoder 'tenant'"));
        runner.withUserConfiguration(ParsedCollection.class).withPropertyValues(config)
                .withBean(EbpfLabelDecoder.class, () -> EbpfLabelDecoder.of("tenant", input -> "t"))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(EbpfMetrics.class));
    }

    @Test
    void nativePrometheusPublishingNeedsPrometheus() {
        runner.withUserConfiguration(ParsedCollection.class)
                .withPropertyValues("ebpf.collections.sys.object=classpath:bpf/metrics.bpf.o",
                        "ebpf.metrics.publishing=prometheus-native",
                        "ebpf.collections.sys.metrics.counters[0].map=syscalls")
                .run(context -> assertThat(context).getFailure()
                        .hasMessageContaining("'prometheus-native'"));
    }

    @Test
    void worksWithASimpleRegistryAndNoPrometheusOnTheClassPath() {
        runner.withUserConfiguration(ParsedCollection.class)
                .withClassLoader(new FilteredClassLoader("io.prometheus", "io.micrometer.prometheusmetrics"))
                .withPropertyValues("ebpf.collections.sys.object=classpath:bpf/metrics.bpf.o",
                        "ebpf.metrics.program-statistics=false",
                        "ebpf.collections.sys.metrics.histograms[0].map=latency",
                        "ebpf.collections.sys.metrics.histograms[0].bucket-field=bucket",
                        "ebpf.collections.sys.metrics.histograms[0].bucket-max=26")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(MeterRegistry.class)).isInstanceOf(SimpleMeterRegistry.class);
                    assertThat(context.getBean(MeterRegistry.class).find("ebpf.series").tag("metric", "latency")
                            .gauge()).isNotNull();
                });
    }
}
