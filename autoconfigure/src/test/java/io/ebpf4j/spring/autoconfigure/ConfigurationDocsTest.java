package io.ebpf4j.spring.autoconfigure;

import org.junit.jupiter.api.Test;

import java.io.IOException;
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

/**
 * docs/configuration.md lists exactly the properties of {@link EbpfProperties} and {@code EbpfMetricsProperties}: it
 * cannot drift from the code.
 */
class ConfigurationDocsTest {
    private static final Path DOC = Path.of("..", "docs", "configuration.md");
    private static final Pattern ROW = Pattern.compile("^\\| `((?:ebpf|management\\.endpoint\\.ebpf)\\.[^`]+)` \\|");
    private static final List<String> KINDS = List.of("counters", "gauges", "histograms", "event-counters");

    @Test
    void everyPropertyIsDocumentedAndEveryDocumentedPropertyExists() throws Exception {
        Set<String> properties = collapseMetricKinds(EbpfPropertyPaths.leaves().stream()
                .map(EbpfPropertyPaths.Leaf::path).collect(Collectors.toCollection(TreeSet::new)));
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

    /**
     * {@code allow-unknown} as {@code LabelDecodersTest} shows the decoder behaving (and ebpf_exporter's
     * {@code allow_unknown}): {@code true} passes unmapped inputs through, {@code false} marks them
     * {@code unknown:<input>}; neither drops the series.
     */
    @Test
    void allowUnknownIsDescribedTheWayTheDecoderBehaves() throws Exception {
        String row = Files.readAllLines(DOC).stream().filter(line -> line.contains(".allow-unknown` |"))
                .findFirst().orElseThrow();
        assertThat(row).contains("`true` passes inputs without a mapping through unchanged")
                .contains("`false` publishes them as `unknown:<input>`").doesNotContain("dropping");
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
