package io.ebpf4j.spring.actuate;

import io.ebpf4j.BpfMap;
import io.ebpf4j.MapIterator;
import io.ebpf4j.UpdateFlags;
import io.ebpf4j.btf.Array;
import io.ebpf4j.btf.Composite;
import io.ebpf4j.btf.EnumValue;
import io.ebpf4j.btf.Enumeration;
import io.ebpf4j.btf.Float;
import io.ebpf4j.btf.Int;
import io.ebpf4j.btf.Member;
import io.ebpf4j.btf.Pointer;
import io.ebpf4j.btf.Type;
import io.ebpf4j.btf.Types;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.json.JsonParseException;
import org.springframework.boot.json.JsonParser;
import org.springframework.boot.json.JsonParserFactory;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keys and values given to the endpoint's write operations, turned into map bytes; and clearing a map.
 *
 * <p>What a write sends means one thing, whatever its digits. Over HTTP, Boot hands an endpoint the fields of a JSON
 * body as text ({@code 7} and {@code "7"} arrive alike, and a JSON object cannot arrive at all), so the text
 * carries the kind:
 * <ul>
 *   <li>{@code 0x} and hex digits (spaces and colons allowed): the bytes in memory, as {@code rawKey} shows them;
 *   <li>a decimal number without leading zeros: a number, which must fit the integer (or enum) type;
 *   <li>JSON text of an object or array ({@code "{"port": 443}"}): a struct or array, members by name as a GET
 *       shows them (members left out are zero; inside, strings are enumerator names, {@code char} array text, or
 *       hex of the member);
 *   <li>an enumerator's name, for enum types.
 * </ul>
 * Anything else is refused: in particular hex without {@code 0x} and numbers with leading zeros, which an older
 * reading took as the other. Callers in the JVM (JMX, tests) may pass numbers, maps and lists as such.
 */
final class MapBytes {
    private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)");

    private MapBytes() {}

    /**
     * The {@code size} bytes of {@code input} (a String, Number, Map or List, as JSON gives them) for {@code type}
     * (the map's BTF key or value type, or {@code null}).
     */
    static byte[] parse(String what, Object input, Type type, int size) {
        if (input instanceof String text) {
            return parseText(what, text.trim(), type, size);
        }
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        if (type == null) {
            if (!(input instanceof Number)) {
                throw bad(what + " is a " + json(input) + ", but the map has no BTF type for it: give " + size
                        + " bytes of hex, or a number for keys and values of 1, 2, 4 or 8 bytes");
            }
            encodeInteger(what, input, size, false, out, 0);
        } else {
            encode(what, input, type, out, 0, 0);
        }
        return out.array();
    }

    private static byte[] parseText(String what, String text, Type type, int size) {
        if (text.startsWith("0x") || text.startsWith("0X")) {
            return hex(what, text, size);
        }
        if (DECIMAL.matcher(text).matches()) {
            return parse(what, new BigInteger(text), type, size);
        }
        if (text.startsWith("{") || text.startsWith("[")) {
            Object json;
            try {
                JsonParser parser = JsonParserFactory.getJsonParser();
                json = text.startsWith("{") ? parser.parseMap(text) : parser.parseList(text);
            } catch (JsonParseException e) {
                throw bad(what + " '" + text + "' is not JSON: " + e.getMessage());
            }
            return parse(what, json, type, size);
        }
        Type underlying = type == null ? null : Types.underlying(type);
        Long value = underlying instanceof Enumeration e ? enumerator(e, text) : null;
        if (value != null) {
            return parse(what, BigInteger.valueOf(value), type, size);
        }
        throw bad(what + " '" + text + "' is neither 0x and " + 2 * size + " hex digits (" + size + " bytes, as"
                + " rawKey shows them), a decimal number without leading zeros, JSON of a struct or array, nor an"
                + " enumerator");
    }

    private static byte[] hex(String what, String text, int size) {
        String trimmed = text.trim();
        String digits = trimmed.startsWith("0x") || trimmed.startsWith("0X") ? trimmed.substring(2) : trimmed;
        digits = digits.replace(" ", "").replace(":", "");
        if (digits.length() != 2 * size) {
            throw bad(what + " '" + text + "' is not " + size + " bytes of hex (" + 2 * size + " digits)");
        }
        try {
            return HexFormat.of().parseHex(digits);
        } catch (IllegalArgumentException e) {
            throw bad(what + " '" + text + "' is not " + size + " bytes of hex");
        }
    }

    private static void encode(String what, Object input, Type declared, ByteBuffer out, int offset, int depth) {
        Type type = Types.underlying(declared);
        int size = (int) Types.sizeof(type);
        if (depth > 32) {
            throw bad(what + " nests too deep");
        }
        if (input instanceof String text && !(type instanceof Enumeration) && !(type instanceof Array)
                && !(type instanceof Pointer)) {
            out.put(offset, hex(what, text, size)); // any member may be given as its bytes
            return;
        }
        if (type instanceof Int i) {
            if (input instanceof Boolean b && i.encoding() == Int.Encoding.BOOL) {
                out.put(offset, (byte) (b ? 1 : 0));
                return;
            }
            encodeInteger(what, input, i.size(), i.isSigned(), out, offset);
        } else if (type instanceof Enumeration e) {
            Long value = input instanceof String name ? enumerator(e, name) : null;
            if (input instanceof String name && value == null) {
                throw bad(what + " '" + name + "' is not an enumerator of " + Types.describe(e));
            }
            encodeInteger(what, value != null ? value : input, e.size(), e.isSigned(), out, offset);
        } else if (type instanceof Float f && input instanceof Number n) {
            if (f.size() == 4) {
                out.putFloat(offset, n.floatValue());
            } else {
                out.putDouble(offset, n.doubleValue());
            }
        } else if (type instanceof Pointer) {
            encodeInteger(what, input instanceof String text && text.startsWith("0x")
                    ? new BigInteger(text.substring(2), 16) : input, size, false, out, offset);
        } else if (type instanceof Array a) {
            encodeArray(what, input, a, out, offset, depth);
        } else if (type instanceof Composite c && input instanceof Map<?, ?> members) {
            Set<String> known = new HashSet<>();
            encodeMembers(what, c, members, out, offset, depth, known);
            for (Object name : members.keySet()) {
                if (!known.contains(String.valueOf(name))) {
                    throw bad(what + " has no member '" + name + "' in " + Types.describe(c) + "; members: "
                            + known);
                }
            }
        } else {
            throw bad(what + " is a " + json(input) + ", which does not fit " + Types.describe(type) + " ("
                    + size + " bytes)");
        }
    }

    private static void encodeMembers(String what, Composite c, Map<?, ?> members, ByteBuffer out, int offset,
            int depth, Set<String> known) {
        for (Member m : c.members()) {
            int memberOffset = offset + m.bitOffset() / 8;
            if (m.name().isEmpty() && Types.underlying(m.type()) instanceof Composite anonymous) {
                encodeMembers(what, anonymous, members, out, memberOffset, depth + 1, known); // as GET merges them
                continue;
            }
            known.add(m.name());
            Object value = members.get(m.name());
            if (value == null) {
                continue;
            }
            String path = what + "." + m.name();
            if (m.isBitfield()) {
                encodeBitfield(path, value, m, out, offset);
            } else {
                encode(path, value, m.type(), out, memberOffset, depth + 1);
            }
        }
    }

    /** A bitfield on a little-endian host, as {@code BtfValues} reads it. */
    private static void encodeBitfield(String what, Object value, Member m, ByteBuffer out, int structOffset) {
        BigInteger number = number(what, value);
        if (number == null || !fits(number, m.bitfieldSize())) {
            throw bad(what + " '" + value + "' does not fit its " + m.bitfieldSize() + "-bit field");
        }
        long bits = number.longValue() & (m.bitfieldSize() == 64 ? -1L : (1L << m.bitfieldSize()) - 1);
        int shift = m.bitOffset() % 8;
        int first = structOffset + m.bitOffset() / 8;
        int bytes = Math.min(8, (shift + m.bitfieldSize() + 7) / 8);
        for (int i = 0; i < bytes; i++) {
            long mask = (m.bitfieldSize() == 64 ? -1L : ((1L << m.bitfieldSize()) - 1)) << shift;
            int maskByte = (int) ((mask >>> (8 * i)) & 0xff);
            int bitsByte = (int) (((bits << shift) >>> (8 * i)) & 0xff);
            out.put(first + i, (byte) ((out.get(first + i) & ~maskByte) | (bitsByte & maskByte)));
        }
    }

    private static void encodeArray(String what, Object input, Array a, ByteBuffer out, int offset, int depth) {
        Type element = Types.underlying(a.element());
        int elementSize = (int) Types.sizeof(element);
        if (input instanceof String text) {
            if (elementSize == 1 && element instanceof Int) { // char arrays are text, as a GET shows them
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                if (bytes.length > a.length()) {
                    throw bad(what + " '" + text + "' is longer than its " + a.length() + " bytes");
                }
                out.put(offset, bytes);
                return;
            }
            out.put(offset, hex(what, text, elementSize * a.length()));
            return;
        }
        if (!(input instanceof List<?> elements) || elements.size() > a.length()) {
            throw bad(what + " must be a list of at most " + a.length() + " elements, or its bytes in hex");
        }
        for (int i = 0; i < elements.size(); i++) {
            encode(what + "[" + i + "]", elements.get(i), a.element(), out, offset + i * elementSize, depth + 1);
        }
    }

    private static void encodeInteger(String what, Object input, int size, boolean signed, ByteBuffer out,
            int offset) {
        BigInteger number = number(what, input);
        if (number == null) {
            throw bad(what + " is a " + json(input) + ", not a number for its " + size + "-byte integer");
        }
        out.put(offset, integer(what, number, size));
    }

    /** A whole number as JSON gives it, or {@code null} for anything else. */
    private static BigInteger number(String what, Object input) {
        if (input instanceof Integer || input instanceof Long || input instanceof Short || input instanceof Byte) {
            return BigInteger.valueOf(((Number) input).longValue());
        }
        if (input instanceof BigInteger big) {
            return big;
        }
        if (input instanceof Number n) {
            try {
                return new BigDecimal(n.toString()).toBigIntegerExact();
            } catch (ArithmeticException | NumberFormatException e) {
                throw bad(what + " " + n + " is not a whole number");
            }
        }
        return null;
    }

    /** The number in {@code size} bytes, host order; signed or unsigned, as long as it fits. */
    private static byte[] integer(String what, BigInteger number, int size) {
        if (size > 8 || !fits(number, 8 * size)) {
            throw bad(what + " " + number + " does not fit its " + size + " bytes (" + range(size) + ")");
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        long v = number.longValue();
        switch (size) {
            case 1 -> b.put(0, (byte) v);
            case 2 -> b.putShort(0, (short) v);
            case 4 -> b.putInt(0, (int) v);
            case 8 -> b.putLong(0, v);
            default -> throw bad(what + " is " + size + " bytes, not an integer size: give it in hex");
        }
        return b.array();
    }

    /** Whether {@code number} is a {@code bits}-bit integer, signed or unsigned. */
    private static boolean fits(BigInteger number, int bits) {
        return number.signum() >= 0 ? number.bitLength() <= bits : number.bitLength() < bits;
    }

    private static String range(int size) {
        BigInteger limit = BigInteger.ONE.shiftLeft(8 * size);
        return "-" + limit.shiftRight(1) + " to " + limit.subtract(BigInteger.ONE);
    }

    private static Long enumerator(Enumeration e, String name) {
        for (EnumValue v : e.values()) {
            if (v.name().equals(name)) {
                return v.value();
            }
        }
        return null;
    }

    private static String json(Object input) {
        return input instanceof Map ? "JSON object" : input instanceof List ? "JSON array"
                : input instanceof Number ? "number" : input instanceof Boolean ? "boolean" : "string";
    }

    private static InvalidEndpointRequestException bad(String message) {
        return new InvalidEndpointRequestException(message, message);
    }

    /** For per-CPU maps: one value repeated in every CPU's slot; otherwise the value as is. */
    static byte[] perCpu(byte[] value, BpfMap map) {
        if (!map.type().isPerCpu()) {
            return value;
        }
        int stride = (map.valueSize() + 7) & ~7;
        byte[] out = new byte[map.valueBufferSize()];
        for (int cpu = 0; cpu < BpfMap.possibleCpus(); cpu++) {
            System.arraycopy(value, 0, out, cpu * stride, value.length);
        }
        return out;
    }

    /** Deletes every entry (arrays: writes zeros everywhere); returns how many entries were affected. */
    static int clear(BpfMap map) {
        byte[] key = new byte[map.keySize()];
        byte[] value = new byte[map.valueBufferSize()];
        List<byte[]> keys = new ArrayList<>();
        MapIterator it = map.iterator();
        while (it.next(key, value)) {
            keys.add(key.clone());
        }
        byte[] zero = new byte[map.valueBufferSize()];
        int affected = 0;
        for (byte[] k : keys) {
            if (map.type().isArrayLike()) {
                map.update(k, zero, UpdateFlags.ANY);
                affected++;
            } else if (map.delete(k)) {
                affected++;
            }
        }
        return affected;
    }
}
