package io.ebpf4j.spring.metrics;

import java.nio.ByteOrder;

/** Unsigned integers of 1, 2, 4 or 8 bytes in the host's byte order, as the kernel stores them in maps. */
final class NativeInts {
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private NativeInts() {}

    /** Whether {@code size} is the size of an integer these methods read. */
    static boolean isIntegerSize(int size) {
        return size == 1 || size == 2 || size == 4 || size == 8;
    }

    /** The unsigned integer of {@code size} bytes at {@code offset} (a u64 above 2^63 comes back negative). */
    static long read(byte[] bytes, int offset, int size) {
        long value = 0;
        if (LITTLE_ENDIAN) {
            for (int i = size - 1; i >= 0; i--) {
                value = (value << 8) | (bytes[offset + i] & 0xff);
            }
        } else {
            for (int i = 0; i < size; i++) {
                value = (value << 8) | (bytes[offset + i] & 0xff);
            }
        }
        return value;
    }

    /** Reads {@code bytes} whole: 1, 2, 4 or 8 bytes. */
    static long read(byte[] bytes) {
        if (!isIntegerSize(bytes.length)) {
            throw new IllegalArgumentException("expected an integer of 1, 2, 4 or 8 bytes, got " + bytes.length
                    + " bytes");
        }
        return read(bytes, 0, bytes.length);
    }

    /** An unsigned 64-bit value as a double (exact up to 2^53, rounded above). */
    static double unsignedToDouble(long value) {
        if (value >= 0) {
            return value;
        }
        // the top bit set: halve (keeping the lowest bit for correct rounding), convert, double
        return ((double) ((value >>> 1) | (value & 1))) * 2.0;
    }
}
