package io.ebpf4j.perf;

import java.nio.ByteBuffer;

/**
 * One perf record as passed to the visitor of {@link PerfReader#poll} and {@link PerfReader#drain}: a sample, read
 * in place from the kernel's memory (or, if it wraps around the end of its ring, from a buffer the reader reuses),
 * or a notice of lost samples ({@link #lostSamples()} {@code > 0}, no data).
 *
 * <p>A view is valid only during the visitor call that receives it and only on the reading thread: the reader
 * reuses it and hands the bytes back to the kernel when the call returns. Using it later, or from another thread,
 * throws {@link IllegalStateException}. Copy what must outlive the call. Multi-byte accessors use the native byte
 * order. The kernel pads raw samples: {@link #length()} is the size the program passed to
 * {@code bpf_perf_event_output} rounded up so that it plus 4 is a multiple of 8.
 */
public final class RecordView {
    private ByteBuffer data;
    private Thread owner;
    private int offset;
    private int length;
    private int cpu;
    private long lostSamples;

    RecordView() {}

    void open() {
        owner = Thread.currentThread();
    }

    void close() {
        owner = null;
        data = null;
    }

    void sample(int cpu, ByteBuffer data, int offset, int length) {
        this.cpu = cpu;
        this.data = data;
        this.offset = offset;
        this.length = length;
        this.lostSamples = 0;
    }

    void lost(int cpu, long lostSamples) {
        this.cpu = cpu;
        this.data = null;
        this.offset = 0;
        this.length = 0;
        this.lostSamples = lostSamples;
    }

    /** The CPU whose ring held the record. */
    public int cpu() {
        check(0, 0);
        return cpu;
    }

    /** For a notice of lost samples, how many the kernel dropped because the ring was full; 0 for a sample. */
    public long lostSamples() {
        check(0, 0);
        return lostSamples;
    }

    /** Number of bytes of sample data (0 for lost samples). */
    public int length() {
        check(0, 0);
        return length;
    }

    public byte getByte(int index) {
        return data.get(check(index, 1));
    }

    public short getShort(int index) {
        return data.getShort(check(index, 2));
    }

    public int getInt(int index) {
        return data.getInt(check(index, 4));
    }

    public long getLong(int index) {
        return data.getLong(check(index, 8));
    }

    /** Copies {@code count} bytes from {@code index} into {@code dst} at {@code dstOffset}. */
    public void copyTo(int index, byte[] dst, int dstOffset, int count) {
        data.get(check(index, count), dst, dstOffset, count);
    }

    /** Copies the sample into {@code dst} at its position, which advances. */
    public void copyTo(ByteBuffer dst) {
        int start = check(0, length);
        if (length > 0) {
            dst.put(dst.position(), data, start, length);
            dst.position(dst.position() + length);
        }
    }

    /** A copy of the sample's bytes. */
    public byte[] toByteArray() {
        byte[] out = new byte[length()];
        if (out.length > 0) {
            copyTo(0, out, 0, out.length);
        }
        return out;
    }

    private int check(int index, int size) {
        if (owner != Thread.currentThread()) {
            throw new IllegalStateException("a perf record view is valid only inside the visitor call that received "
                    + "it, on the reading thread; copy the data to keep it");
        }
        if (index < 0 || size < 0 || index > length - size) {
            throw new IndexOutOfBoundsException("access of " + size + " bytes at " + index + " in a "
                    + (lostSamples > 0 ? "lost-samples record, which has no data" : "sample of " + length + " bytes"));
        }
        return offset + index;
    }

    @Override
    public String toString() {
        if (owner != Thread.currentThread()) {
            return "RecordView[invalid]";
        }
        return lostSamples > 0 ? "RecordView[cpu " + cpu + ", " + lostSamples + " samples lost]"
                : "RecordView[cpu " + cpu + ", " + length + " bytes]";
    }
}
