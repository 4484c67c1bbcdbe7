package io.ebpf4j.ringbuf;

import java.nio.ByteBuffer;

/**
 * One ring buffer record, read in place from the kernel's memory (zero-copy), as passed to the visitor of
 * {@link RingBufferReader#poll} and {@link RingBufferReader#drain}.
 *
 * <p>A view is valid only during the visitor call that receives it and only on the reading thread: the reader
 * reuses it for the next record and hands the record's bytes back to the kernel when the call returns. Using it
 * later, or from another thread, throws {@link IllegalStateException} (it can never read memory that is gone).
 * Copy what must outlive the call ({@link #toByteArray()}, {@link #copyTo}). Multi-byte accessors use the native
 * byte order, as BPF programs write it. Offsets are relative to the start of the record.
 */
public final class RecordView {
    private final ByteBuffer data;
    private Thread owner;
    private int offset;
    private int length;

    RecordView(ByteBuffer data) {
        this.data = data;
    }

    /** Makes the view valid on the current thread until {@link #close()}. */
    void open() {
        owner = Thread.currentThread();
    }

    void close() {
        owner = null;
    }

    void at(int offset, int length) {
        this.offset = offset;
        this.length = length;
    }

    /** Number of bytes the program wrote into the record. */
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

    /** Copies the record into {@code dst} at its position, which advances. */
    public void copyTo(ByteBuffer dst) {
        int start = check(0, length);
        dst.put(dst.position(), data, start, length);
        dst.position(dst.position() + length);
    }

    /** A copy of the record's bytes. */
    public byte[] toByteArray() {
        byte[] out = new byte[length()];
        copyTo(0, out, 0, out.length);
        return out;
    }

    private int check(int index, int size) {
        if (owner != Thread.currentThread()) {
            throw new IllegalStateException("a ring buffer record view is valid only inside the visitor call that "
                    + "received it, on the reading thread; copy the data to keep it");
        }
        if (index < 0 || size < 0 || index > length - size) {
            throw new IndexOutOfBoundsException("access of " + size + " bytes at " + index + " in a record of "
                    + length + " bytes");
        }
        return offset + index;
    }

    @Override
    public String toString() {
        return owner == Thread.currentThread() ? "RecordView[" + length + " bytes]" : "RecordView[invalid]";
    }
}
