package io.ebpf4j.spring.metrics;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer for the Prometheus text formats, with the number spellings of the Java client's writer
 * ({@code Double.toString}, {@code Long.toString}), written without allocating for the common values: whole numbers
 * below 2^53, which every counter of a map holds until it passes 2^53.
 *
 * <p>Not thread-safe.
 */
final class ExpositionBuffer {
    /** Whole numbers below this are exact doubles, whose shortest decimal is their digits. */
    private static final double EXACT_WHOLE_NUMBERS = 0x1p53;
    /** From here on {@code Double.toString} switches to computerized scientific notation. */
    private static final double SCIENTIFIC_FROM = 1e7;

    /** "00" to "99": numbers are written two digits per division. */
    private static final byte[] DIGIT_PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private byte[] bytes;
    private int size;
    /** The digits of a number, right-aligned. */
    private final byte[] digits = new byte[20];

    ExpositionBuffer(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    /** Forgets what was written after the first {@code size} bytes. */
    void truncate(int size) {
        this.size = size;
    }

    /** The bytes written, a copy. */
    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    /** Copies the bytes written to {@code target} at {@code offset}. */
    void copyTo(byte[] target, int offset) {
        System.arraycopy(bytes, 0, target, offset, size);
    }

    ExpositionBuffer write(byte[] text) {
        ensure(text.length);
        System.arraycopy(text, 0, bytes, size, text.length);
        size += text.length;
        return this;
    }

    /** Bytes {@code from} (inclusive) to {@code to} (exclusive) of {@code text}. */
    ExpositionBuffer write(byte[] text, int from, int to) {
        int length = to - from;
        ensure(length);
        System.arraycopy(text, from, bytes, size, length);
        size += length;
        return this;
    }

    ExpositionBuffer write(char ascii) {
        ensure(1);
        bytes[size++] = (byte) ascii;
        return this;
    }

    ExpositionBuffer write(String text) {
        return write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code Long.toString(value)}. */
    ExpositionBuffer writeLong(long value) {
        if (value == Long.MIN_VALUE) {
            return write(Long.toString(value));
        }
        ensure(20);
        if (value < 0) {
            bytes[size++] = '-';
            value = -value;
        }
        int n = digits(value);
        System.arraycopy(digits, digits.length - n, bytes, size, n);
        size += n;
        return this;
    }

    /** Writes the decimal digits of {@code value} (not negative) to the end of {@link #digits}; returns how many. */
    private int digits(long value) {
        int at = digits.length;
        while (value >= 100) {
            int pair = (int) (value % 100);
            value /= 100;
            digits[--at] = DIGIT_PAIRS[2 * pair + 1];
            digits[--at] = DIGIT_PAIRS[2 * pair];
        }
        if (value >= 10) {
            digits[--at] = DIGIT_PAIRS[2 * (int) value + 1];
            digits[--at] = DIGIT_PAIRS[2 * (int) value];
        } else {
            digits[--at] = (byte) ('0' + value);
        }
        return digits.length - at;
    }

    /**
     * {@code Double.toString(value)}, as the Java client writes sample values, with {@code +Inf} and {@code -Inf}
     * for infinities: {@code 1500.0}, {@code 1.2345678E7}, {@code NaN}.
     */
    ExpositionBuffer writeDouble(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= EXACT_WHOLE_NUMBERS || magnitude != Math.rint(magnitude) || (value == 0 && 1 / value < 0)) {
            if (Double.isInfinite(value)) {
                return write(value > 0 ? "+Inf" : "-Inf");
            }
            return write(Double.toString(value)); // fractions and huge values: rare in maps of integers
        }
        long whole = (long) value;
        if (magnitude < SCIENTIFIC_FROM) {
            return writeLong(whole).write('.').write('0');
        }
        // d.ddddE<exponent>: the digits without trailing zeros, at least one after the point
        ensure(26);
        if (whole < 0) {
            bytes[size++] = '-';
            whole = -whole;
        }
        int n = digits(whole);
        int first = digits.length - n;
        int end = digits.length;
        while (digits[end - 1] == '0') {
            end--;
        }
        bytes[size++] = digits[first];
        bytes[size++] = '.';
        if (end == first + 1) {
            bytes[size++] = '0';
        } else {
            System.arraycopy(digits, first + 1, bytes, size, end - first - 1);
            size += end - first - 1;
        }
        bytes[size++] = 'E';
        return writeLong(n - 1);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
