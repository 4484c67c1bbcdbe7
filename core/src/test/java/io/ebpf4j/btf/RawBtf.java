package io.ebpf4j.btf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Writes BTF word by word, including what Builder would refuse to write: the source of malformed test input. */
final class RawBtf {
    static final int INT = 1, PTR = 2, ARRAY = 3, STRUCT = 4, ENUM = 6, TYPEDEF = 8, CONST = 10, FUNC = 12,
            FUNC_PROTO = 13, DECL_TAG = 17, ENUM64 = 19;

    private final List<Integer> words = new ArrayList<>();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();

    RawBtf() {
        strings.write(0);
    }

    /** Adds a string and returns its offset. */
    int string(String s) {
        int offset = strings.size();
        strings.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        strings.write(0);
        return offset;
    }

    RawBtf type(int nameOff, int kind, int vlen, int sizeOrType, int... extra) {
        return type(nameOff, kind, false, vlen, sizeOrType, extra);
    }

    RawBtf type(int nameOff, int kind, boolean kindFlag, int vlen, int sizeOrType, int... extra) {
        words.add(nameOff);
        words.add((kindFlag ? 1 << 31 : 0) | kind << 24 | vlen);
        words.add(sizeOrType);
        for (int w : extra) {
            words.add(w);
        }
        return this;
    }

    /** {@code int} of 4 bytes, signed. */
    RawBtf int32(int nameOff) {
        return type(nameOff, INT, 0, 4, 1 << 24 | 32);
    }

    byte[] build() {
        byte[] s = strings.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(24 + 4 * words.size() + s.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24);
        b.putInt(0).putInt(4 * words.size()).putInt(4 * words.size()).putInt(s.length);
        for (int w : words) {
            b.putInt(w);
        }
        b.put(s);
        return b.array();
    }

    /** {@code blob} with the 32-bit little-endian word at byte offset {@code at} replaced. */
    static byte[] patch(byte[] blob, int at, int value) {
        byte[] copy = blob.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return copy;
    }
}
