package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.spring.metrics.EbpfMetricsProperties;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * YAML {@code static-map} keys written as ebpf_exporter writes them, unquoted integers inside lists, reach the
 * properties as text through the application's own configuration loading, instead of a ClassCastException from
 * Spring's YAML flattening before start-up.
 */
class NumericKeyYamlTest {

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableConfigurationProperties({EbpfProperties.class, EbpfMetricsProperties.class})
    static class PropertiesOnly {}

    @Test
    void integerKeysInsideListsAreBoundAsText() {
        try (ConfigurableApplicationContext context = run("classpath:/yaml/integer-keys.yml")) {
            EbpfMetricsProperties properties = context.getBean(EbpfMetricsProperties.class);
            EbpfMetricsProperties.Label label = properties.getCollections().get("sys").getMetrics().getCounters().get(0)
                    .getLabels().get(0);
            assertThat(label.getDecoders().get(0).getStaticMap())
                    .containsExactly(Map.entry("6", "tcp"), Map.entry("17", "udp"));
            assertThat(label.getDecoders().get(1).getStaticMap())
                    .containsExactly(Map.entry("0", "zero"), Map.entry("tcp", "TCP"));
            assertThat(properties.getMetrics().getPrefix()).as("later documents are read too")
                    .isEqualTo("second-document");
        }
    }

    /** Taking over Boot's file extensions leaves Boot's precedence: .properties over .yml in one location. */
    @Test
    void propertiesFilesStillWinOverYamlFiles() {
        try (ConfigurableApplicationContext context = run("classpath:/yaml/precedence/")) {
            EbpfMetricsProperties properties = context.getBean(EbpfMetricsProperties.class);
            assertThat(properties.getMetrics().getPrefix()).isEqualTo("from-properties");
            assertThat(properties.getMetrics().getLabelCacheSize()).isEqualTo(7);
        }
    }

    private static ConfigurableApplicationContext run(String configLocation) {
        return new SpringApplicationBuilder(PropertiesOnly.class).web(WebApplicationType.NONE)
                .properties("spring.config.location=" + configLocation).run();
    }
}
