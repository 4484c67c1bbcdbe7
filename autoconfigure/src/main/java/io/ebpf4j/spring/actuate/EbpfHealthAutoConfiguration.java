package io.ebpf4j.spring.actuate;

import io.ebpf4j.features.Features;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.autoconfigure.EbpfAutoConfiguration;
import io.ebpf4j.spring.autoconfigure.EbpfProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code ebpf} health contributor ({@link EbpfHealthContributor}, one component per collection), unless
 * {@code management.health.ebpf.enabled=false}. Add {@code ebpf} to a health group (for example
 * {@code management.endpoint.health.group.readiness.include}) when the application cannot serve without its
 * programs.
 */
@AutoConfiguration(after = EbpfAutoConfiguration.class)
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(EbpfCollections.class)
@EnableConfigurationProperties(EbpfProperties.class)
public final class EbpfHealthAutoConfiguration {
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    @Bean
    @ConditionalOnMissingBean(name = "ebpfHealthContributor")
    @ConditionalOnEnabledHealthIndicator("ebpf")
    EbpfHealthContributor ebpfHealthContributor(EbpfCollections collections, EbpfProperties properties) {
        String btf = properties.getBtf().getPath() != null ? properties.getBtf().getPath().getDescription()
                : Files.isReadable(VMLINUX) ? VMLINUX.toString() : "none (CO-RE relocations unavailable)";
        return new EbpfHealthContributor(collections, kernelRelease(), btf);
    }

    private static String kernelRelease() {
        try {
            return Features.kernelRelease();
        } catch (RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
