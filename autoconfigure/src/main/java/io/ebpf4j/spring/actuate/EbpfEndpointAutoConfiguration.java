package io.ebpf4j.spring.actuate;

import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.autoconfigure.EbpfAutoConfiguration;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code ebpf} Actuator endpoint ({@link EbpfEndpoint}), when it is available: enabled (access other than
 * 'none') and exposed, e.g. {@code management.endpoints.web.exposure.include=health,ebpf}. It is read-only unless
 * {@code management.endpoint.ebpf.access=unrestricted}.
 */
@AutoConfiguration(after = EbpfAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(EbpfCollections.class)
public final class EbpfEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    EbpfEndpoint ebpfEndpoint(EbpfCollections collections) {
        return new EbpfEndpoint(collections);
    }
}
