package io.ebpf4j.spring.actuate;

import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.autoconfigure.EbpfAutoConfiguration;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.Operation;
import org.springframework.boot.actuate.endpoint.OperationFilter;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.jmx.JmxOperation;
import org.springframework.boot.actuate.endpoint.web.WebOperation;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The {@code ebpf} Actuator endpoint ({@link EbpfEndpoint}), when it is available: enabled (access other than
 * 'none') and exposed, e.g. {@code management.endpoints.web.exposure.include=health,ebpf}. It is read-only unless
 * {@code management.endpoint.ebpf.access=unrestricted}.
 */
@AutoConfiguration(after = EbpfAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(EbpfCollections.class)
public final class EbpfEndpointAutoConfiguration {
    private static final String ACCESS_PROPERTY = "management.endpoint.ebpf.access";

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    EbpfEndpoint ebpfEndpoint(EbpfCollections collections) {
        return new EbpfEndpoint(collections);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(EbpfEndpoint.class)
    @ConditionalOnAvailableEndpoint(endpoint = EbpfEndpoint.class)
    EbpfEndpointWebExtension ebpfEndpointWebExtension(EbpfEndpoint endpoint) {
        return new EbpfEndpointWebExtension(endpoint);
    }

    /**
     * Keeps the endpoint's writes (updating, deleting and clearing map entries, pinned maps included) out of the web
     * endpoints unless this endpoint's own access property allows them. Boot's global
     * {@code management.endpoints.access.default=unrestricted}, set for some other endpoint, is not a decision to let
     * HTTP clients change kernel state.
     */
    @Bean
    static OperationFilter<WebOperation> ebpfEndpointWebWriteFilter(Environment environment) {
        return writesOnlyWithOwnAccess(environment);
    }

    /** As {@link #ebpfEndpointWebWriteFilter} for JMX. */
    @Bean
    static OperationFilter<JmxOperation> ebpfEndpointJmxWriteFilter(Environment environment) {
        return writesOnlyWithOwnAccess(environment);
    }

    private static <O extends Operation> OperationFilter<O> writesOnlyWithOwnAccess(Environment environment) {
        return (operation, endpointId, defaultAccess) -> !endpointId.equals(EbpfEndpoint.ID)
                || operation.getType() == OperationType.READ
                || Binder.get(environment).bind(ACCESS_PROPERTY, Access.class).orElse(null) == Access.UNRESTRICTED;
    }
}
