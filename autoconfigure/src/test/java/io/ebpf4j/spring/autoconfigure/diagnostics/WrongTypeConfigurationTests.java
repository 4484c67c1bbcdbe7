package io.ebpf4j.spring.autoconfigure.diagnostics;

import io.ebpf4j.spring.autoconfigure.EbpfAutoConfiguration;
import io.ebpf4j.spring.autoconfigure.EbpfProperties;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.SpringFactoriesLoader;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code ebpf.*} property that is not free text, given a value of the wrong type: the application must fail
 * to start with a failure analysis that names the property (Spring Boot's bind failure analysis, or ours), never with
 * an unexplained exception. The properties are found by walking {@link EbpfProperties}, so a new one is covered
 * as soon as it exists; map keys and list indexes are filled with names the test object has.
 */
class WrongTypeConfigurationTests {
    private static final String BAD = "%not-a-value%";
    private static final List<FailureAnalyzer> ANALYZERS = SpringFactoriesLoader
            .forDefaultResourceLocation(WrongTypeConfigurationTests.class.getClassLoader())
            .load(FailureAnalyzer.class, null, SpringFactoriesLoader.FailureHandler.handleMessage((m, e) -> { }));

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EbpfAutoConfiguration.class))
            .withPropertyValues("ebpf.collections.sys.object=classpath:bpf/metrics.bpf.o");

    static List<String> typedProperties() {
        List<String> properties = new ArrayList<>();
        walk("ebpf", ResolvableType.forClass(EbpfProperties.class), properties);
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

    /** Collects the paths of the properties of {@code type} that take something other than free text. */
    private static void walk(String prefix, ResolvableType type, List<String> out) {
        for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type.resolve())) {
            if (descriptor.getReadMethod() == null || descriptor.getName().equals("class")) {
                continue;
            }
            String path = prefix + "." + kebab(descriptor.getName());
            ResolvableType propertyType = ResolvableType.forMethodReturnType(descriptor.getReadMethod(),
                    type.resolve());
            value(path, propertyType, descriptor.getWriteMethod() != null, out);
        }
    }

    private static void value(String path, ResolvableType type, boolean settable, List<String> out) {
        Class<?> raw = type.resolve(Object.class);
        if (Map.class.isAssignableFrom(raw)) {
            value(path + "." + exampleKey(path), type.asMap().getGeneric(1), true, out);
        } else if (List.class.isAssignableFrom(raw)) {
            value(path + "[0]", type.asCollection().getGeneric(0), true, out);
        } else if (raw.getName().startsWith("io.ebpf4j.") && !raw.isEnum()) {
            walk(path, type, out);
        } else if (settable && raw != String.class && raw != Object.class && !Resource.class.isAssignableFrom(raw)) {
            out.add(path);
        }
    }

    /** Names that exist in bpf/metrics.bpf.o, so that only the wrong type can fail. */
    private static String exampleKey(String mapProperty) {
        if (mapProperty.endsWith(".collections")) {
            return "sys";
        }
        if (mapProperty.endsWith(".programs")) {
            return "observe";
        }
        if (mapProperty.endsWith(".map-overrides")) {
            return "packets";
        }
        return "key";
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
