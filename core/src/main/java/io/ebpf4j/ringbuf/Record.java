package io.ebpf4j.ringbuf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A ring buffer record copied out of the kernel's memory. {@link RingBufferReader#readInto(Record)} reuses one
 * record's array, growing it only when a larger record arrives, so a loop that reads into the same record allocates
 * nothing once the array is big enough. Not thread-safe.
 */
public final class Record {
    private byte[] data;
    private int length;
    private long remaining;

    /** An empty record whose array grows as needed. */
    public Record() {
        this(0);
    }

    /** An empty record with room for {@code capacity} bytes. */
    public Record(int capacity) {
        this.data = new byte[capacity];
    }

    /** Copies {@code length} bytes at {@code offset} of {@code source} into this record. */
    void fill(ByteBuffer source, int offset, int length, long remaining) {
        if (data.length < length) {
            data = new byte[Math.max(length, data.length * 2)];
        }
        source.get(offset, data, 0, length);
        this.length = length;
        this.remaining = remaining;
    }

    /** Number of bytes the program wrote. */
    public int length() {
        return length;
    }

    /**
     * The backing array, reused by the next {@code readInto}: the record is its first {@link #length()} bytes (the
     * array may be longer).
     */
    public byte[] array() {
        return data;
    }

    /** A copy of exactly the record's bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOf(data, length);
    }

    /** A native-order buffer over the record's bytes (shares the array; allocates the wrapper). */
    public ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(data, 0, length).slice().order(ByteOrder.nativeOrder());
    }

    /** Bytes that were still waiting in the ring buffer after this record was read. */
    public long remaining() {
        return remaining;
    }

    @Override
    public String toString() {
        return "Record[" + length + " bytes, " + remaining + " bytes remaining]";
    }
}
