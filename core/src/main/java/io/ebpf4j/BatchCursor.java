package io.ebpf4j;

import io.ebpf4j.internal.sys.NativeBuffer;

import java.nio.ByteBuffer;

/**
 * Position and buffers of a batch walk over a map ({@link BpfMap#batchLookup(BatchCursor)}). The cursor owns native
 * buffers for up to {@link #capacity()} keys and values, which the kernel fills directly: read them through
 * {@link #keys()} and {@link #values()} after each batch. Reusable with {@link #reset()}; not thread-safe.
 */
public final class BatchCursor {
    final int keySize;
    final int valueStride;
    final int capacity;
    final NativeBuffer token;
    final NativeBuffer keys;
    final NativeBuffer values;
    boolean started;
    boolean done;
    int count;

    BatchCursor(int keySize, int valueStride, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("batch capacity must be positive, got " + capacity);
        }
        this.keySize = keySize;
        this.valueStride = valueStride;
        this.capacity = capacity;
        // in_batch/out_batch tokens are a key for array-like maps and a bucket index (u32) for hash maps.
        int tokenSize = Math.max(keySize, 8);
        this.token = new NativeBuffer(2 * tokenSize);
        this.keys = new NativeBuffer(Math.max(1, keySize) * capacity);
        this.values = new NativeBuffer(Math.max(1, valueStride) * capacity);
    }

    int tokenSize() {
        return token.capacity() / 2;
    }

    /** Maximum entries per batch. */
    public int capacity() {
        return capacity;
    }

    /** Entries returned by the last batch. */
    public int count() {
        return count;
    }

    /** Whether the walk reached the end of the map. */
    public boolean done() {
        return done;
    }

    /** Keys of the last batch, back to back ({@code keySize} bytes each), in native byte order. */
    public ByteBuffer keys() {
        return keys.buffer();
    }

    /** Values of the last batch, back to back ({@link BpfMap#valueBufferSize()} bytes each), in native byte order. */
    public ByteBuffer values() {
        return values.buffer();
    }

    /** Offset of entry {@code i}'s key in {@link #keys()}. */
    public int keyOffset(int i) {
        return i * keySize;
    }

    /** Offset of entry {@code i}'s value in {@link #values()}. */
    public int valueOffset(int i) {
        return i * valueStride;
    }

    /** Starts over from the beginning of the map. */
    public void reset() {
        started = false;
        done = false;
        count = 0;
    }
}
