package io.ebpf4j.spring.metrics;

import java.util.Arrays;

/** The decoded label values of one series, as a hash key (keys that decode alike share a series). */
final class TagValues {
    private final String[] values;
    private final int hash;

    TagValues(String[] values) {
        this.values = values;
        this.hash = Arrays.hashCode(values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TagValues t && t.hash == hash && Arrays.equals(t.values, values);
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
