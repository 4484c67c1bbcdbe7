package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.spring.EbpfCollections;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * A Spring Boot application with one collection, started by {@link UnprivilegedStartupTest} in a JVM without
 * capabilities; its arguments are properties. Prints the state of each collection when it has started.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration(EbpfAutoConfiguration.class)
public class UnprivilegedApplication {
    public static void main(String[] args) {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(UnprivilegedApplication.class)
                .web(WebApplicationType.NONE).run(args)) {
            context.getBean(EbpfCollections.class).all().forEach(collection -> System.out.println("collection "
                    + collection.name() + ": " + collection.status() + ": " + collection.failure().getMessage()));
        }
    }
}
