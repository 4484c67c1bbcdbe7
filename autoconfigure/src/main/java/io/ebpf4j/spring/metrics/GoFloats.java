package io.ebpf4j.spring.metrics;

import java.math.BigDecimal;

/**
 * Numbers as Prometheus's Go client writes them ({@code strconv.FormatFloat(f, 'g', -1, 64)}): {@code 1e-06},
 * {@code 150}, {@code 0.001024}, {@code 1.6777216e+07}, {@code +Inf}. Histogram {@code le} labels are strings to
 * Prometheus 2.x, so queries and dashboards written against ebpf_exporter match only this spelling, not Java's
 * {@code 1.0E-6} and {@code 150.0}.
 */
final class GoFloats {
    private GoFloats() {}

    /** The text exposition format's spelling (Go's {@code writeFloat}). */
    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == 0) {
            return 1 / value < 0 ? "-0" : "0";
        }
        // Java's shortest decimal digits (Go's too, for the values bucket bounds take)
        BigDecimal decimal = new BigDecimal(Double.toString(Math.abs(value))).stripTrailingZeros();
        String digits = decimal.unscaledValue().toString();
        int exponent = digits.length() - 1 - decimal.scale();
        StringBuilder out = new StringBuilder(digits.length() + 8);
        if (value < 0) {
            out.append('-');
        }
        if (exponent < -4 || exponent >= 6) { // Go's 'g' with the shortest precision: exponents from 1e+06 on
            return scientific(out, digits, exponent);
        }
        if (exponent < 0) {
            out.append("0.");
            out.append("0".repeat(-exponent - 1)).append(digits);
        } else if (digits.length() <= exponent + 1) {
            out.append(digits).append("0".repeat(exponent + 1 - digits.length()));
        } else {
            out.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
        }
        return out.toString();
    }

    /**
     * The OpenMetrics spelling (Go's {@code writeOpenMetricsFloat}): as {@link #format}, with {@code .0} added to a
     * number that would show neither a point nor an exponent.
     */
    static String formatOpenMetrics(double value) {
        String text = format(value);
        boolean plain = !Double.isNaN(value) && !Double.isInfinite(value) && text.indexOf('.') < 0
                && text.indexOf('e') < 0;
        return plain ? text + ".0" : text;
    }

    private static String scientific(StringBuilder out, String digits, int exponent) {
        out.append(digits.charAt(0));
        if (digits.length() > 1) {
            out.append('.').append(digits, 1, digits.length());
        }
        out.append('e').append(exponent < 0 ? '-' : '+');
        int magnitude = Math.abs(exponent);
        if (magnitude < 10) {
            out.append('0');
        }
        return out.append(magnitude).toString();
    }
}
