package io.ebpf4j.spring.autoconfigure;

import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GeneratedFiles.Kind;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.core.env.MapPropertySource;
import org.springframework.javapoet.ClassName;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ahead-of-time processing (what a native image build runs): the registrar runs at build time and the beans it
 * declares become generated code that calls the registry's factory methods, qualifiers included.
 */
class EbpfAotTest {

    @Test
    void collectionBeansBecomeGeneratedRegistrations() throws IOException {
        InMemoryGeneratedFiles files = new InMemoryGeneratedFiles();
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test", Map.of(
                    "ebpf.collections.counter.object", "classpath:bpf/openat_counter.bpf.o")));
            context.register(Application.class);
            DefaultGenerationContext generation = new DefaultGenerationContext(
                    new ClassNameGenerator(ClassName.get(Application.class)), files);
            new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
            generation.writeGeneratedContent();
        }
        StringBuilder sources = new StringBuilder();
        for (String path : files.getGeneratedFiles(Kind.SOURCE).keySet()) {
            sources.append(files.getGeneratedFileContent(Kind.SOURCE, path));
        }
        assertThat(sources.toString()).contains("\"counter.opens\"", "\"counter.opens.typed\"", "\"counter.count_openat\"",
                "\"counter\"");
        assertThat(sources.toString()).contains("forFactoryMethod(EbpfCollectionRegistry.class, \"map\"")
                .contains("forFactoryMethod(EbpfCollectionRegistry.class, \"typedMap\"")
                .contains("BpfMapRef");
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(EbpfAutoConfiguration.class)
    static class Application {
    }
}
