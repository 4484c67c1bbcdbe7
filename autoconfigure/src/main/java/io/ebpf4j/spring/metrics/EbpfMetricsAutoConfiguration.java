package io.ebpf4j.spring.metrics;

import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.autoconfigure.EbpfAutoConfiguration;
import io.ebpf4j.spring.autoconfigure.EbpfProperties;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import java.util.Map;

/**
 * Metrics of the BPF collections ({@link EbpfMetrics}, a {@link MeterBinder} that Boot binds to the application's
 * registry): the counters, gauges and histograms declared under {@code ebpf.collections.<name>.metrics}, and
 * built-in meters on programs, maps, decoding and cardinality.
 *
 * <p>Kernel histograms become native Prometheus histograms when a {@code PrometheusMeterRegistry} is in use
 * ({@code ebpf.metrics.histograms: auto}); those bypass Micrometer's meter filters, so the
 * {@code management.metrics.tags} common tags are added to them here.
 */
@AutoConfiguration(after = EbpfAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(EbpfCollections.class)
@EnableConfigurationProperties(EbpfProperties.class)
public final class EbpfMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    EbpfMetrics ebpfMetrics(EbpfCollections collections, EbpfProperties properties,
            ObjectProvider<EbpfLabelDecoder> decoders, Environment environment) {
        Map<String, String> commonTags = Binder.get(environment)
                .bind("management.metrics.tags", Bindable.mapOf(String.class, String.class))
                .orElse(Map.of());
        Tags tags = Tags.empty();
        for (Map.Entry<String, String> tag : commonTags.entrySet()) {
            tags = tags.and(tag.getKey(), tag.getValue());
        }
        return new EbpfMetrics(collections, properties, decoders.orderedStream().toList(), tags);
    }
}
