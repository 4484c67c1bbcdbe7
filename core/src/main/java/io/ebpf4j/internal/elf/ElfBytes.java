package io.ebpf4j.internal.elf;

import io.ebpf4j.ElfFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Fixed-width reads from the file in its byte order. Every read is checked, so a mistake in the parser surfaces as
 * an {@link ElfFormatException} and never as an {@code IndexOutOfBoundsException}.
 */
final class ElfBytes {
    private final ByteBuffer buffer;
    private final int length;

    ElfBytes(byte[] data, ByteOrder order) {
        this.buffer = ByteBuffer.wrap(data).order(order);
        this.length = data.length;
    }

    int length() {
        return length;
    }

    int u8(long offset) {
        return buffer.get(index(offset, 1)) & 0xff;
    }

    int u16(long offset) {
        return buffer.getShort(index(offset, 2)) & 0xffff;
    }

    /** A 32-bit field as its raw bits (for types and flags, compared against constants). */
    int s32(long offset) {
        return buffer.getInt(index(offset, 4));
    }

    /** A 32-bit field as an unsigned value (for offsets, sizes and counts). */
    long u32(long offset) {
        return Integer.toUnsignedLong(s32(offset));
    }

    /** A 64-bit field as its raw bits; callers treat it as unsigned (a negative value is "too large"). */
    long u64(long offset) {
        return buffer.getLong(index(offset, 8));
    }

    private int index(long offset, int width) {
        if (offset < 0 || offset > length - width) {
            throw new ElfFormatException("unexpected end of file reading " + width + " bytes", offset);
        }
        return (int) offset;
    }

    /**
     * Checks that {@code [offset, offset + size)} lies inside the file. Both values are unsigned ELF fields, so a
     * negative {@code long} stands for a value of 2^63 or more and is always out of range.
     *
     * @param what  what the range is, for the message
     * @param where byte offset of the field that claimed the range
     */
    void checkRange(long offset, long size, String what, long where) {
        if (offset < 0 || size < 0 || offset > length || size > length - offset) {
            throw new ElfFormatException(what + " at offset " + Long.toUnsignedString(offset) + " with size "
                    + Long.toUnsignedString(size) + " extends past the end of the file (" + length + " bytes)", where);
        }
    }
}
