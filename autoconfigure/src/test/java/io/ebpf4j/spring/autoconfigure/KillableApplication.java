package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.spring.EbpfCollections;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;

/**
 * A Spring Boot application whose arguments are properties, run in a child JVM by {@link RestartAfterKillTest}:
 * prints "READY" and each collection's status once started, then runs until its standard input closes — or it is
 * killed.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration(EbpfAutoConfiguration.class)
public class KillableApplication {
    public static void main(String[] args) throws IOException {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(KillableApplication.class)
                .web(WebApplicationType.NONE).run(args)) {
            context.getBean(EbpfCollections.class).all().forEach(collection ->
                    System.out.println("READY " + collection.name() + " " + collection.status()));
            System.out.flush();
            while (System.in.read() >= 0) {
                // run until the parent closes our input
            }
        }
    }
}
