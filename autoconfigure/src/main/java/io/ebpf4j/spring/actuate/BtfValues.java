package io.ebpf4j.spring.actuate;

import io.ebpf4j.btf.Array;
import io.ebpf4j.btf.Composite;
import io.ebpf4j.btf.Datasec;
import io.ebpf4j.btf.EnumValue;
import io.ebpf4j.btf.Enumeration;
import io.ebpf4j.btf.Float;
import io.ebpf4j.btf.Int;
import io.ebpf4j.btf.Member;
import io.ebpf4j.btf.Pointer;
import io.ebpf4j.btf.Struct;
import io.ebpf4j.btf.Type;
import io.ebpf4j.btf.Types;
import io.ebpf4j.btf.Var;
import io.ebpf4j.btf.VarSecinfo;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Map keys and values decoded through their BTF types into what JSON can hold: structs become objects (members by
 * name, anonymous members merged in, bitfields extracted), arrays lists, {@code char} arrays strings (up to the
 * first NUL, when the text is printable), enums their enumerator's name, pointers {@code 0x...} text, integers
 * numbers ({@link BigInteger} above the range of {@code long}), global-variable sections objects of variables.
 * Anything else is shown as hex.
 */
final class BtfValues {
    /** Deeper nesting than this is shown as hex (only malformed BTF nests that deep). */
    private static final int MAX_DEPTH = 32;
    /** Longest array decoded element by element; longer ones are shown as hex. */
    private static final int MAX_ARRAY = 4096;
    private static final BigInteger TWO_TO_THE_64 = BigInteger.ONE.shiftLeft(64);

    private BtfValues() {}

    /** Decodes {@code type} from {@code bytes} (host byte order) starting at {@code offset}. */
    static Object decode(Type type, byte[] bytes, int offset) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        return decode(type, buffer, offset, 0);
    }

    /** Raw bytes as lowercase hex. */
    static String hex(byte[] bytes, int offset, int length) {
        return HexFormat.of().formatHex(bytes, offset, offset + length);
    }

    private static Object decode(Type declared, ByteBuffer b, int offset, int depth) {
        Type type = Types.underlying(declared);
        int size = sizeOf(type);
        if (size < 0 || offset + size > b.limit() || depth > MAX_DEPTH) {
            return hex(b, offset, Math.max(0, Math.min(b.limit() - offset, size < 0 ? 0 : size)));
        }
        if (type instanceof Int i) {
            return integer(b, offset, i.size(), i.isSigned(), i.encoding() == Int.Encoding.BOOL);
        }
        if (type instanceof Enumeration e) {
            Object value = integer(b, offset, e.size(), e.isSigned(), false);
            long raw = value instanceof Number n ? n.longValue() : 0;
            for (EnumValue v : e.values()) {
                if (v.value() == raw) {
                    return v.name();
                }
            }
            return value;
        }
        if (type instanceof Float f) {
            return f.size() == 4 ? (Object) b.getFloat(offset) : f.size() == 8 ? (Object) b.getDouble(offset)
                    : hex(b, offset, f.size());
        }
        if (type instanceof Pointer) {
            return "0x" + Long.toHexString(b.getLong(offset));
        }
        if (type instanceof Array a) {
            return array(a, b, offset, depth);
        }
        if (type instanceof Composite c) {
            Map<String, Object> out = new LinkedHashMap<>();
            members(c, b, offset, depth, out);
            return out;
        }
        if (type instanceof Datasec d) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (VarSecinfo v : d.vars()) {
                if (v.type() instanceof Var var) {
                    out.put(var.name(), decode(var.type(), b, offset + v.offset(), depth + 1));
                }
            }
            return out;
        }
        return hex(b, offset, size);
    }

    private static int sizeOf(Type type) {
        try {
            long size = Types.sizeof(type);
            return size > Integer.MAX_VALUE ? -1 : (int) size;
        } catch (RuntimeException e) {
            return -1; // void, functions, forward declarations
        }
    }

    private static void members(Composite c, ByteBuffer b, int offset, int depth, Map<String, Object> out) {
        for (Member m : c.members()) {
            Type memberType = Types.underlying(m.type());
            if (m.name().isEmpty() && memberType instanceof Composite anonymous) {
                members(anonymous, b, offset + m.bitOffset() / 8, depth + 1, out); // C merges them into the parent
                continue;
            }
            String name = m.name().isEmpty() ? "_" + out.size() : m.name();
            if (m.isBitfield()) {
                out.put(name, bitfield(b, offset, m, memberType));
            } else {
                out.put(name, decode(m.type(), b, offset + m.bitOffset() / 8, depth + 1));
            }
        }
        if (c instanceof Struct && c.members().isEmpty()) {
            out.put("_bytes", hex(b, offset, c.size()));
        }
    }

    /** A bitfield on a little-endian host: bits counted from the least significant bit of the first byte. */
    private static Object bitfield(ByteBuffer b, int structOffset, Member m, Type type) {
        int firstByte = m.bitOffset() / 8;
        int shift = m.bitOffset() % 8;
        int bytes = Math.min(8, (shift + m.bitfieldSize() + 7) / 8);
        long raw = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            raw = (raw << 8) | (b.get(structOffset + firstByte + i) & 0xff);
        }
        long value = (raw >>> shift) & (m.bitfieldSize() == 64 ? -1L : (1L << m.bitfieldSize()) - 1);
        boolean signed = type instanceof Int i ? i.isSigned() : type instanceof Enumeration e && e.isSigned();
        if (signed && m.bitfieldSize() < 64 && (value & (1L << (m.bitfieldSize() - 1))) != 0) {
            value |= -1L << m.bitfieldSize();
        }
        return value;
    }

    private static Object array(Array a, ByteBuffer b, int offset, int depth) {
        Type element = Types.underlying(a.element());
        int elementSize = sizeOf(element);
        int length = a.length();
        if (elementSize == 1 && element instanceof Int i && (i.encoding() == Int.Encoding.CHAR
                || i.name().contains("char"))) {
            String text = text(b, offset, length);
            if (text != null) {
                return text;
            }
        }
        if (elementSize <= 0 || length > MAX_ARRAY) {
            return hex(b, offset, Math.max(0, elementSize) * length);
        }
        List<Object> out = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            out.add(decode(a.element(), b, offset + i * elementSize, depth + 1));
        }
        return out;
    }

    /** The bytes up to the first NUL as text, or {@code null} when they are not printable UTF-8. */
    private static String text(ByteBuffer b, int offset, int length) {
        int end = 0;
        while (end < length && b.get(offset + end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end];
        b.get(offset, bytes);
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return text.chars().allMatch(ch -> ch >= 0x20 || ch == '\t' || ch == '\n') ? text : null;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static Object integer(ByteBuffer b, int offset, int size, boolean signed, boolean bool) {
        long v;
        switch (size) {
            case 1 -> v = signed ? b.get(offset) : b.get(offset) & 0xffL;
            case 2 -> v = signed ? b.getShort(offset) : b.getShort(offset) & 0xffffL;
            case 4 -> v = signed ? b.getInt(offset) : b.getInt(offset) & 0xffffffffL;
            case 8 -> v = b.getLong(offset);
            case 16 -> {
                long low = b.order() == ByteOrder.LITTLE_ENDIAN ? b.getLong(offset) : b.getLong(offset + 8);
                long high = b.order() == ByteOrder.LITTLE_ENDIAN ? b.getLong(offset + 8) : b.getLong(offset);
                BigInteger value = new BigInteger(Long.toUnsignedString(high)).shiftLeft(64)
                        .or(new BigInteger(Long.toUnsignedString(low)));
                return signed && high < 0 ? value.subtract(TWO_TO_THE_64.shiftLeft(64)) : value;
            }
            default -> {
                return hex(b, offset, size);
            }
        }
        if (bool) {
            return v != 0;
        }
        if (!signed && v < 0) {
            return new BigInteger(Long.toUnsignedString(v)); // a u64 above 2^63
        }
        return v;
    }

    private static String hex(ByteBuffer b, int offset, int length) {
        byte[] bytes = new byte[length];
        b.get(offset, bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
