package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.spring.EbpfCollections;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of the BPF collections declared under {@code ebpf.collections}: each is read, configured and
 * loaded while the context refreshes and exposed as beans ({@code <collection>}, {@code <collection>.<map>},
 * {@code <collection>.<program>}); its programs are attached when the context starts and everything is released
 * when it closes. The {@link EbpfCollections} registry reports what was loaded, attached and why something failed.
 *
 * <p>Switched off with {@code ebpf.enabled=false}. An application that defines its own {@link EbpfCollections}
 * bean takes over loading: no collection beans are declared then.
 */
@AutoConfiguration
@Conditional(EbpfEnabledCondition.class)
@EnableConfigurationProperties(EbpfProperties.class)
@Import(EbpfBeanDefinitionRegistrar.class)
public class EbpfAutoConfiguration {

    @Bean(EbpfCollectionRegistry.BEAN_NAME)
    @ConditionalOnMissingBean(EbpfCollections.class)
    public EbpfCollectionRegistry ebpfCollectionRegistry(EbpfProperties properties) {
        return new EbpfCollectionRegistry(properties);
    }
}
