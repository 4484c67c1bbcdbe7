package io.ebpf4j.spring.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bucket bounds spelled as Prometheus's Go client (and so ebpf_exporter) writes them; the expected strings are what
 * Go's {@code strconv.FormatFloat(f, 'g', -1, 64)} prints for the same doubles.
 */
class GoFloatsTest {

    @Test
    void textFormatSpelling() {
        assertThat(GoFloats.format(1e-6)).isEqualTo("1e-06");
        assertThat(GoFloats.format(4 * 1e-6)).isEqualTo("4e-06");
        assertThat(GoFloats.format(3 * 0.1)).isEqualTo("0.30000000000000004");
        assertThat(GoFloats.format(1024 * 1e-6)).isEqualTo("0.001024");
        assertThat(GoFloats.format(67108864 * 1e-6)).isEqualTo("67.108864");
        assertThat(GoFloats.format(0.0001)).isEqualTo("0.0001");
        assertThat(GoFloats.format(0.00001)).isEqualTo("1e-05");
        assertThat(GoFloats.format(150)).isEqualTo("150");
        assertThat(GoFloats.format(1)).isEqualTo("1");
        assertThat(GoFloats.format(0)).isEqualTo("0");
        assertThat(GoFloats.format(0.5)).isEqualTo("0.5");
        assertThat(GoFloats.format(123456)).isEqualTo("123456");
        assertThat(GoFloats.format(1e6)).isEqualTo("1e+06");
        assertThat(GoFloats.format(16777216)).isEqualTo("1.6777216e+07");
        assertThat(GoFloats.format(Math.pow(2, 100))).isEqualTo("1.2676506002282294e+30");
        assertThat(GoFloats.format(-2.5)).isEqualTo("-2.5");
        assertThat(GoFloats.format(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    }

    @Test
    void openMetricsSpellingKeepsAPointOnWholeNumbers() {
        assertThat(GoFloats.formatOpenMetrics(150)).isEqualTo("150.0");
        assertThat(GoFloats.formatOpenMetrics(1)).isEqualTo("1.0");
        assertThat(GoFloats.formatOpenMetrics(1e-6)).isEqualTo("1e-06");
        assertThat(GoFloats.formatOpenMetrics(0.5)).isEqualTo("0.5");
        assertThat(GoFloats.formatOpenMetrics(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    }
}
