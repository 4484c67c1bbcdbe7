package io.ebpf4j.perf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A perf record copied out of the kernel's memory: a sample, or a notice that samples were lost
 * ({@link #lostSamples()} {@code > 0}, no data). {@link PerfReader#readInto(Record)} reuses one record's array,
 * growing it only for a larger sample. Samples are padded by the kernel (see {@link RecordView}). Not thread-safe.
 */
public final class Record {
    private byte[] data;
    private int length;
    private int cpu;
    private long lostSamples;
    private long remaining;

    /** An empty record whose array grows as needed. */
    public Record() {
        this(0);
    }

    /** An empty record with room for {@code capacity} bytes. */
    public Record(int capacity) {
        this.data = new byte[capacity];
    }

    /** Copies a sample of {@code length} bytes at {@code offset} of a ring's data area, which it may wrap around. */
    void sample(int cpu, ByteBuffer ring, int offset, int length, long remaining) {
        if (data.length < length) {
            data = new byte[Math.max(length, data.length * 2)];
        }
        int first = Math.min(length, ring.capacity() - offset);
        ring.get(offset, data, 0, first);
        ring.get(0, data, first, length - first);
        this.length = length;
        this.cpu = cpu;
        this.lostSamples = 0;
        this.remaining = remaining;
    }

    void lost(int cpu, long lostSamples, long remaining) {
        this.length = 0;
        this.cpu = cpu;
        this.lostSamples = lostSamples;
        this.remaining = remaining;
    }

    /** The CPU whose ring held the record. */
    public int cpu() {
        return cpu;
    }

    /** For a notice of lost samples, how many were dropped; 0 for a sample. */
    public long lostSamples() {
        return lostSamples;
    }

    /** Number of bytes of sample data (0 for lost samples). */
    public int length() {
        return length;
    }

    /** The backing array, reused by the next {@code readInto}: the sample is its first {@link #length()} bytes. */
    public byte[] array() {
        return data;
    }

    /** A copy of exactly the sample's bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOf(data, length);
    }

    /** A native-order buffer over the sample's bytes (shares the array; allocates the wrapper). */
    public ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(data, 0, length).slice().order(ByteOrder.nativeOrder());
    }

    /** Bytes still waiting in this record's ring after it was read. */
    public long remaining() {
        return remaining;
    }

    @Override
    public String toString() {
        return lostSamples > 0 ? "Record[cpu " + cpu + ", " + lostSamples + " samples lost]"
                : "Record[cpu " + cpu + ", " + length + " bytes, " + remaining + " bytes remaining]";
    }
}
