package io.ebpf4j.btf;

import java.nio.ByteOrder;
import java.util.Arrays;

/** A growable byte array of 32-bit words in a chosen byte order: the writer side of the BTF wire format. */
final class Wire {
    private final boolean littleEndian;
    private byte[] bytes;
    private int size;

    Wire(ByteOrder order, int initialCapacity) {
        this.littleEndian = order == ByteOrder.LITTLE_ENDIAN;
        this.bytes = new byte[Math.max(initialCapacity, 64)];
    }

    Wire u32(int value) {
        ensure(4);
        if (littleEndian) {
            bytes[size] = (byte) value;
            bytes[size + 1] = (byte) (value >>> 8);
            bytes[size + 2] = (byte) (value >>> 16);
            bytes[size + 3] = (byte) (value >>> 24);
        } else {
            bytes[size] = (byte) (value >>> 24);
            bytes[size + 1] = (byte) (value >>> 16);
            bytes[size + 2] = (byte) (value >>> 8);
            bytes[size + 3] = (byte) value;
        }
        size += 4;
        return this;
    }

    Wire u16(int value) {
        ensure(2);
        bytes[size + (littleEndian ? 0 : 1)] = (byte) value;
        bytes[size + (littleEndian ? 1 : 0)] = (byte) (value >>> 8);
        size += 2;
        return this;
    }

    Wire u8(int value) {
        ensure(1);
        bytes[size++] = (byte) value;
        return this;
    }

    Wire bytes(byte[] src, int offset, int length) {
        ensure(length);
        System.arraycopy(src, offset, bytes, size, length);
        size += length;
        return this;
    }

    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (bytes.length - size < more) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
