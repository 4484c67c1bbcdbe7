package io.ebpf4j.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parser of the Prometheus text exposition format 0.0.4 (what /actuator/prometheus serves), so tests check
 * samples and labels instead of matching strings. {@code # TYPE} comments are kept; timestamps are ignored.
 */
public final class PrometheusText {
    /** One sample line: {@code name{label="value",...} value}. */
    public record Sample(String name, Map<String, String> labels, double value) {
        public boolean has(String label, String value) {
            return value.equals(labels.get(label));
        }
    }

    private final List<Sample> samples;
    private final Map<String, String> types;

    private PrometheusText(List<Sample> samples, Map<String, String> types) {
        this.samples = samples;
        this.types = types;
    }

    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                types.put(parts[0], parts[1]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(sample(line));
            }
        }
        return new PrometheusText(Collections.unmodifiableList(samples), types);
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq).trim();
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("label value not quoted: " + line);
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(label, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(i).trim().split(" ");
        return new Sample(name, labels, value(rest[0]));
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    public List<Sample> samples() {
        return samples;
    }

    /** Samples of the series {@code name}. */
    public List<Sample> samples(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    public List<Sample> samples(String name, java.util.function.Predicate<Sample> filter) {
        return samples(name).stream().filter(filter).toList();
    }

    /** The value of the only sample of {@code name} matching {@code filter}. */
    public double value(String name, java.util.function.Predicate<Sample> filter) {
        List<Sample> found = samples(name, filter);
        if (found.size() != 1) {
            throw new AssertionError("expected one sample " + name + ", found " + found);
        }
        return found.get(0).value();
    }

    /** The value of {@code name} with these labels (others ignored), if there is one. */
    public Optional<Double> value(String name, String... labelPairs) {
        return samples.stream().filter(s -> s.name().equals(name)).filter(s -> {
            for (int i = 0; i < labelPairs.length; i += 2) {
                if (!s.has(labelPairs[i], labelPairs[i + 1])) {
                    return false;
                }
            }
            return true;
        }).map(Sample::value).findFirst();
    }

    /** The declared type ({@code counter}, {@code gauge}, {@code histogram}) of a metric family. */
    public Optional<String> type(String family) {
        return Optional.ofNullable(types.get(family));
    }
}
