package io.ebpf4j.ringbuf;

import io.ebpf4j.internal.sys.DirectMemory;

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
    /** The ring's data area, for bulk copies; single values are read at their address, without the buffer's checks. */
    private final ByteBuffer data;
    private final long dataAddress;
    private Thread owner;
    /** Where the record's bytes start in memory. */
    private long address;
    private int length;

    RecordView(ByteBuffer data, long dataAddress) {
        this.data = data;
        this.dataAddress = dataAddress;
    }

    /** Makes the view valid on the current thread until {@link #close()}. */
    void open() {
        owner = Thread.currentThread();
    }

    void close() {
        owner = null;
    }

    void at(long address, int length) {
        this.address = address;
        this.length = length;
    }

    /** Number of bytes the program wrote into the record. */
    public int length() {
        check(0, 0);
        return length;
    }

    public byte getByte(int index) {
        return DirectMemory.getByte(check(index, 1));
    }

    public short getShort(int index) {
        return DirectMemory.getShort(check(index, 2));
    }

    public int getInt(int index) {
        return DirectMemory.getInt(check(index, 4));
    }

    public long getLong(int index) {
        return DirectMemory.getLong(check(index, 8));
    }

    /** Copies {@code count} bytes from {@code index} into {@code dst} at {@code dstOffset}. */
    public void copyTo(int index, byte[] dst, int dstOffset, int count) {
        data.get(bufferIndex(check(index, count)), dst, dstOffset, count);
    }

    /** Copies the record into {@code dst} at its position, which advances. */
    public void copyTo(ByteBuffer dst) {
        int start = bufferIndex(check(0, length));
        dst.put(dst.position(), data, start, length);
        dst.position(dst.position() + length);
    }

    /** A copy of the record's bytes. */
    public byte[] toByteArray() {
        byte[] out = new byte[length()];
        copyTo(0, out, 0, out.length);
        return out;
    }

    /**
     * The address of {@code size} bytes at {@code index} of the record, once they are known to be inside it and the
     * view to be valid on this thread. The record is inside the mapping the reader holds: the kernel reserves no
     * record longer than the ring, and the data area is mapped twice.
     */
    private long check(int index, int size) {
        if (owner != Thread.currentThread()) {
            throw new IllegalStateException("a ring buffer record view is valid only inside the visitor call that "
                    + "received it, on the reading thread; copy the data to keep it");
        }
        if (index < 0 || size < 0 || index > length - size) {
            throw new IndexOutOfBoundsException("access of " + size + " bytes at " + index + " in a record of "
                    + length + " bytes");
        }
        return address + index;
    }

    private int bufferIndex(long at) {
        return (int) (at - dataAddress);
    }

    @Override
    public String toString() {
        return owner == Thread.currentThread() ? "RecordView[" + length + " bytes]" : "RecordView[invalid]";
    }
}
