package io.ebpf4j.spring.autoconfigure;

import org.junit.jupiter.api.Test;

import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md lists exactly the properties of {@link EbpfProperties}: it cannot drift from the code. */
class ConfigurationDocsTests {
    private static final Path DOC = Path.of("..", "docs", "configuration.md");
    private static final Pattern ROW = Pattern.compile("^\\| `((?:ebpf|management\\.endpoint\\.ebpf)\\.[^`]+)` \\|");
    private static final List<String> KINDS = List.of("counters", "gauges", "histograms", "event-counters");

    @Test
    void everyPropertyIsDocumentedAndEveryDocumentedPropertyExists() throws Exception {
        Set<String> properties = new TreeSet<>();
        walk(EbpfProperties.class, "ebpf", properties);
        properties = collapseMetricKinds(properties);
        properties.add("management.endpoint.ebpf.access");
        properties.add("management.endpoint.ebpf.cache.time-to-live");

        Set<String> documented = new TreeSet<>();
        for (String line : Files.readAllLines(DOC)) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                assertThat(documented.add(m.group(1))).as("documented twice: %s", m.group(1)).isTrue();
            }
        }
        assertThat(documented).as("docs/configuration.md").isEqualTo(properties);
    }

    /** Property paths of a bean class, with {@code <name>}/{@code <key>} for map keys and {@code []} for lists. */
    private static void walk(Class<?> type, String prefix, Set<String> out) throws IntrospectionException {
        for (PropertyDescriptor property : Introspector.getBeanInfo(type, Object.class).getPropertyDescriptors()) {
            if (property.getReadMethod() == null) {
                continue;
            }
            String name = prefix + "." + property.getName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
            Class<?> raw = property.getPropertyType();
            Type generic = property.getReadMethod().getGenericReturnType();
            if (isNested(raw)) {
                walk(raw, name, out);
            } else if (Map.class.isAssignableFrom(raw)) {
                Type value = ((ParameterizedType) generic).getActualTypeArguments()[1];
                if (value instanceof Class<?> c && isNested(c)) {
                    walk(c, name + ".<name>", out);
                } else {
                    out.add(name + ".<key>");
                }
            } else if (List.class.isAssignableFrom(raw)) {
                Type element = ((ParameterizedType) generic).getActualTypeArguments()[0];
                if (element instanceof Class<?> c && isNested(c)) {
                    walk(c, name + "[]", out);
                } else {
                    out.add(name + "[]");
                }
            } else {
                out.add(name);
            }
        }
    }

    private static boolean isNested(Class<?> type) {
        return type.getName().startsWith("io.ebpf4j.") && !type.isEnum();
    }

    /** Properties every metric kind has are documented once, as {@code metrics.<kind>[]...}. */
    private static Set<String> collapseMetricKinds(Set<String> properties) {
        Pattern metric = Pattern.compile("^(.*\\.metrics\\.)(" + String.join("|", KINDS) + ")\\[\\](.*)$");
        Map<String, Set<String>> kindsBySuffix = properties.stream().map(metric::matcher).filter(Matcher::matches)
                .collect(Collectors.groupingBy(m -> m.group(1) + "\u0000" + m.group(3),
                        Collectors.mapping(m -> m.group(2), Collectors.toSet())));
        Set<String> out = new TreeSet<>();
        for (String property : properties) {
            Matcher m = metric.matcher(property);
            if (m.matches() && kindsBySuffix.get(m.group(1) + "\u0000" + m.group(3)).size() == KINDS.size()) {
                out.add(m.group(1) + "<kind>[]" + m.group(3));
            } else {
                out.add(property);
            }
        }
        return out;
    }
}
