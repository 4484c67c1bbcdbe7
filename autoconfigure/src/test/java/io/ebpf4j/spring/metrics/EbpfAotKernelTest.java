package io.ebpf4j.spring.metrics;

import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.ManagedCollection;
import io.ebpf4j.testing.PrometheusText;
import io.ebpf4j.testing.RequiresKernel;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.test.tools.CompileWithForkedClassLoader;
import org.springframework.core.test.tools.TestCompiler;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter under Spring's AOT processing, as {@code process-aot} and native images run it: the bean definitions
 * of the auto-configurations and of the collection's maps and programs are generated and compiled ahead of time, and
 * a context started from them alone loads the collection and publishes its metrics.
 */
@RequiresKernel
@CompileWithForkedClassLoader
class EbpfAotKernelTest {

    @Test
    @SuppressWarnings("unchecked")
    void aContextFromAheadOfTimeBeanDefinitionsLoadsTheCollectionAndPublishesItsMetrics() {
        String c = "ebpf.collections.sys.metrics.counters[0].";
        KernelFixtures.metricsCollection().withPropertyValues(c + "name=syscalls", c + "map=syscalls",
                c + "labels[0].name=syscall", c + "labels[0].size=8", c + "labels[0].decoders[0].name=uint",
                c + "labels[0].decoders[1].name=syscall").prepare(prepared -> {
            GenericApplicationContext source = prepared.getSourceApplicationContext(GenericApplicationContext.class);
            TestGenerationContext generation = new TestGenerationContext();
            ClassName initializer = new ApplicationContextAotGenerator().processAheadOfTime(source, generation);
            generation.writeGeneratedContent();
            TestCompiler.forSystem().with(generation).compile(compiled -> {
                try (GenericApplicationContext context = new GenericApplicationContext()) {
                    context.setEnvironment(source.getEnvironment());
                    compiled.getInstance(ApplicationContextInitializer.class, initializer.toString())
                            .initialize(context);
                    context.refresh();
                    ManagedCollection sys = context.getBean(EbpfCollections.class).get("sys").orElseThrow();
                    assertThat(sys.status()).isEqualTo(ManagedCollection.Status.ATTACHED);
                    assertThat(context.getBean("sys.observe", BpfProgram.class).name()).isEqualTo("observe");
                    assertThat(context.getBeansOfType(BpfMap.class)).containsKey("sys.syscalls");
                    PrometheusMeterRegistry registry = context.getBean(PrometheusMeterRegistry.class);
                    registry.scrape(); // the first read makes the series
                    KernelFixtures.getppid(3);
                    assertThat(PrometheusText.parse(registry.scrape())
                            .value("ebpf_syscalls_total", s -> s.has("syscall", "getppid"))).isGreaterThanOrEqualTo(3);
                }
            });
        });
    }
}
