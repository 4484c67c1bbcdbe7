package io.ebpf4j.spring.metrics;

import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.autoconfigure.EbpfAutoConfiguration;
import io.ebpf4j.spring.autoconfigure.EbpfProperties;
import io.ebpf4j.spring.events.EbpfEventSources;
import io.ebpf4j.spring.events.EbpfEventsAutoConfiguration;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/**
 * Metrics of the BPF collections ({@link EbpfMetrics}, a {@link MeterBinder} that Boot binds to the application's
 * registry): the counters, gauges and histograms declared under {@code ebpf.collections.<name>.metrics}, and
 * built-in meters on programs, maps, decoding and cardinality.
 *
 * <p>With a {@code PrometheusMeterRegistry} the map metrics are published to Prometheus natively
 * ({@code ebpf.metrics.publishing: auto}); the registry's meter filters do not see them, so the application's
 * {@link MeterFilter} beans (among them Boot's, applying {@code management.metrics.tags} and
 * {@code management.metrics.enable}) are applied to them here.
 */
@AutoConfiguration(after = {EbpfAutoConfiguration.class, EbpfEventsAutoConfiguration.class}, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus."
                + "PrometheusMetricsExportAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(EbpfCollections.class)
@EnableConfigurationProperties({EbpfProperties.class, EbpfMetricsProperties.class})
public final class EbpfMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    EbpfMetrics ebpfMetrics(EbpfCollections collections, EbpfProperties properties,
            EbpfMetricsProperties metricsProperties, EbpfEventSources eventSources,
            ObjectProvider<EbpfLabelDecoder> decoders, ObjectProvider<MeterFilter> filters) {
        return new EbpfMetrics(collections, properties, metricsProperties, eventSources,
                decoders.orderedStream().toList(), filters.orderedStream().toList());
    }

    /** The map metrics in the {@code prometheus} endpoint's text formats, written from their series. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor",
        "io.micrometer.prometheusmetrics.PrometheusMeterRegistry"})
    static class PrometheusEndpointConfiguration {

        @Bean
        static OperationInvokerAdvisor ebpfPrometheusScrapeText(ObjectProvider<EbpfMetrics> metrics) {
            return new PrometheusScrapeText(() -> {
                EbpfMetrics available = metrics.getIfAvailable();
                return available != null ? available.nativeExports() : List.of();
            });
        }
    }
}
