package io.ebpf4j.spring.metrics;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Numbers spelt exactly as the Prometheus Java client's writers spell them ({@code Double.toString}). */
class ExpositionBufferTest {

    @Test
    void doublesAreSpeltAsDoubleToString() {
        double[] values = {0, -0.0, 1, -1, 9, 10, 999_999, 1e6, 9_999_999, 1e7, -1e7, 12_345_678, 1e15, 123e13,
            0x1p53 - 1, 0x1p53, 0x1p60, 1e300, 0.5, 1e-6, 0.001, 1015e-6, Double.MIN_VALUE, Double.MAX_VALUE,
            Double.NaN, Long.MAX_VALUE, Long.MIN_VALUE};
        for (double value : values) {
            assertThat(written(value)).as("%s", value).isEqualTo(Double.toString(value));
        }
        assertThat(written(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(written(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        SplittableRandom random = new SplittableRandom(14);
        for (int i = 0; i < 200_000; i++) {
            // whole numbers of every magnitude up to 2^53, as map counters hold them
            long whole = random.nextLong(1L << random.nextInt(1, 54));
            assertThat(written(whole)).as("%s", whole).isEqualTo(Double.toString(whole));
            double fraction = whole * 1e-6;
            assertThat(written(fraction)).isEqualTo(Double.toString(fraction));
        }
    }

    @Test
    void longsAreSpeltAsLongToString() {
        for (long value : new long[] {0, 7, -7, 10, 1234567890123L, Long.MAX_VALUE, Long.MIN_VALUE}) {
            ExpositionBuffer buffer = new ExpositionBuffer(1);
            buffer.writeLong(value);
            assertThat(new String(buffer.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(value));
        }
    }

    private static String written(double value) {
        ExpositionBuffer buffer = new ExpositionBuffer(1);
        buffer.writeDouble(value);
        return new String(buffer.toByteArray(), StandardCharsets.US_ASCII);
    }
}
