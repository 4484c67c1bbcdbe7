package io.ebpf4j;

import java.nio.ByteBuffer;

/**
 * Converts between Java values and the fixed-size byte layout of a map key or value. Buffers are in native byte
 * order (the kernel's); offsets are absolute and positions are not moved.
 */
public interface Codec<T> {
    /** Encoded size in bytes. */
    int size();

    void encode(T value, ByteBuffer dst, int offset);

    T decode(ByteBuffer src, int offset);
}
