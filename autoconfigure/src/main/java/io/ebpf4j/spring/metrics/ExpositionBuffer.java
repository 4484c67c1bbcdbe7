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

    private byte[] bytes;
    private int size;
    /** Digits of a number, written backwards. */
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
        int n = 0;
        do {
            digits[n++] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value != 0);
        while (n > 0) {
            bytes[size++] = digits[--n];
        }
        return this;
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
        int n = 0;
        while (whole != 0) {
            digits[n++] = (byte) ('0' + whole % 10);
            whole /= 10;
        }
        int exponent = n - 1;
        int last = 0;
        while (digits[last] == '0') {
            last++;
        }
        bytes[size++] = digits[n - 1];
        bytes[size++] = '.';
        if (last == n - 1) {
            bytes[size++] = '0';
        }
        for (int i = n - 2; i >= last; i--) {
            bytes[size++] = digits[i];
        }
        bytes[size++] = 'E';
        return writeLong(exponent);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
