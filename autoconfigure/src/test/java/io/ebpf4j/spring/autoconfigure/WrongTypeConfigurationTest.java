package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.spring.events.EbpfEventsAutoConfiguration;

import io.ebpf4j.spring.metrics.EbpfMetricsAutoConfiguration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.SpringFactoriesLoader;

import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code ebpf.*} property that is not free text, given a value of the wrong type: the application must fail
 * to start with a failure analysis that names the property (Spring Boot's bind failure analysis, or ours), never with
 * an unexplained exception. Map keys and list indexes are filled with names the test object has.
 */
class WrongTypeConfigurationTest {
    private static final String BAD = "%not-a-value%";
    private static final List<FailureAnalyzer> ANALYZERS = SpringFactoriesLoader
            .forDefaultResourceLocation(WrongTypeConfigurationTest.class.getClassLoader())
            .load(FailureAnalyzer.class, null, SpringFactoriesLoader.FailureHandler.handleMessage((m, e) -> { }));

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EbpfAutoConfiguration.class, EbpfEventsAutoConfiguration.class,
                    EbpfMetricsAutoConfiguration.class))
            .withPropertyValues("ebpf.collections.sys.object=classpath:bpf/metrics.bpf.o");

    static List<String> typedProperties() {
        List<String> properties = EbpfPropertyPaths.leaves().stream()
                .filter(leaf -> leaf.type() != String.class && leaf.type() != Object.class
                        && !Resource.class.isAssignableFrom(leaf.type()))
                .map(leaf -> concrete(leaf.path())).toList();
        assertThat(properties).as("the walk found the properties").hasSizeGreaterThan(30);
        return properties;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("typedProperties")
    void aValueOfTheWrongTypeFailsWithAnAnalysisNamingTheProperty(String property) {
        runner.withPropertyValues(property + "=" + BAD).run(context -> {
            assertThat(context).hasFailed();
            List<FailureAnalysis> analyses = ANALYZERS.stream().map(a -> a.analyze(context.getStartupFailure()))
                    .filter(Objects::nonNull).toList();
            assertThat(analyses).as("analyses of %s", context.getStartupFailure()).isNotEmpty();
            assertThat(analyses.get(0).getDescription()).contains(property).contains(BAD);
            assertThat(analyses.get(0).getAction()).isNotBlank();
        });
    }

    /** The path with names that exist in bpf/metrics.bpf.o, so that only the wrong type can fail. */
    private static String concrete(String path) {
        return path.replace("collections.<name>", "collections.sys")
                .replace("programs.<name>", "programs.observe")
                .replace("map-overrides.<name>", "map-overrides.packets")
                .replace("<key>", "key")
                .replace("[]", "[0]");
    }
}
