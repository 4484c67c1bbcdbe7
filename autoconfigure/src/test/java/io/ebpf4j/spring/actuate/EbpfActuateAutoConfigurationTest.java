package io.ebpf4j.spring.actuate;

import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.ManagedCollection;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** When the endpoint and health contributor exist; no kernel needed. */
class EbpfActuateAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EbpfEndpointAutoConfiguration.class,
                    EbpfHealthAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=ebpf");

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(io.ebpf4j.spring.autoconfigure.EbpfProperties.class)
    static class NoCollections {
        @Bean
        EbpfCollections ebpfCollections() {
            return new EbpfCollections() {
                @Override
                public Collection<ManagedCollection> all() {
                    return List.of();
                }

                @Override
                public Optional<ManagedCollection> get(String name) {
                    return Optional.empty();
                }
            };
        }
    }

    @Test
    void bothNeedTheCollectionRegistry() {
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(EbpfEndpoint.class)
                .doesNotHaveBean(EbpfHealthContributor.class));
    }

    @Test
    void bothAreThereWithTheRegistryAndHealthIsNamedEbpf() {
        runner.withUserConfiguration(NoCollections.class).run(context -> {
            assertThat(context).hasSingleBean(EbpfEndpoint.class);
            assertThat(context).getBean("ebpfHealthContributor").isInstanceOf(EbpfHealthContributor.class);
        });
    }

    @Test
    void eachBacksOffWithoutItsLibrary() {
        runner.withUserConfiguration(NoCollections.class)
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(EbpfEndpoint.class)
                        .hasSingleBean(EbpfHealthContributor.class));
        runner.withUserConfiguration(NoCollections.class)
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(EbpfEndpoint.class)
                        .doesNotHaveBean(EbpfHealthContributor.class));
    }
}
