package io.ebpf4j.internal.sys;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Growable native memory backed by a direct {@link ByteBuffer} in native byte order. The buffer is freed by the
 * JDK when unreachable, so a {@code NativeBuffer} can never leak. Not thread-safe: used through {@link Scratch}
 * (one per thread) or owned by a single object.
 */
public final class NativeBuffer {
    private ByteBuffer buffer;
    private long address;

    public NativeBuffer(int capacity) {
        allocate(Math.max(capacity, 8));
    }

    private void allocate(int capacity) {
        buffer = ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
        address = LibC.FOREIGN ? ForeignCalls.address(buffer) : Jna.address(buffer);
    }

    /** JNA's way to the address, used only where JNA is the way into native code (it is loaded on first use). */
    private static final class Jna {
        static long address(ByteBuffer buffer) {
            return Pointer.nativeValue(Native.getDirectBufferPointer(buffer));
        }
    }

    /** Makes room for {@code size} bytes; contents are not preserved when the buffer grows. */
    public NativeBuffer ensure(int size) {
        if (size > buffer.capacity()) {
            allocate(Math.max(size, buffer.capacity() * 2));
        }
        return this;
    }

    public long address() {
        return address;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public int capacity() {
        return buffer.capacity();
    }

    /** Zeroes the first {@code size} bytes. */
    public NativeBuffer clear(int size) {
        ByteBuffer b = buffer;
        int i = 0;
        for (; i + 8 <= size; i += 8) {
            b.putLong(i, 0L);
        }
        for (; i < size; i++) {
            b.put(i, (byte) 0);
        }
        return this;
    }

    public NativeBuffer put(int offset, byte[] src, int srcOffset, int length) {
        buffer.put(offset, src, srcOffset, length);
        return this;
    }

    public NativeBuffer get(int offset, byte[] dst, int dstOffset, int length) {
        buffer.get(offset, dst, dstOffset, length);
        return this;
    }

    /** Copies {@code length} bytes from {@code src}'s position (the position is not moved). */
    public NativeBuffer put(int offset, ByteBuffer src, int length) {
        buffer.put(offset, src, src.position(), length);
        return this;
    }

    /** Copies {@code length} bytes into {@code dst} at its position (the position is not moved). */
    public NativeBuffer get(int offset, ByteBuffer dst, int length) {
        dst.put(dst.position(), buffer, offset, length);
        return this;
    }

    /** Writes a NUL-terminated UTF-8 string at offset 0 and returns its address. */
    public long putCString(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        ensure(bytes.length + 1);
        buffer.put(0, bytes, 0, bytes.length);
        buffer.put(bytes.length, (byte) 0);
        return address;
    }

    /** Reads a NUL-terminated string of at most {@code max} bytes. */
    public String getCString(int offset, int max) {
        int end = offset;
        int limit = Math.min(buffer.capacity(), offset + max);
        while (end < limit && buffer.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - offset];
        buffer.get(offset, bytes, 0, bytes.length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public byte[] toArray(int offset, int length) {
        byte[] out = new byte[length];
        buffer.get(offset, out, 0, length);
        return out;
    }
}
