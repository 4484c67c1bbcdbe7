package io.ebpf4j.spring.actuate;

import io.ebpf4j.BpfMap;
import io.ebpf4j.MapIterator;
import io.ebpf4j.UpdateFlags;
import io.ebpf4j.btf.EnumValue;
import io.ebpf4j.btf.Enumeration;
import io.ebpf4j.btf.Int;
import io.ebpf4j.btf.Type;
import io.ebpf4j.btf.Types;
import io.ebpf4j.internal.Cpus;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Keys and values given to the endpoint's write operations, turned into map bytes; and clearing a map. */
final class MapBytes {
    private MapBytes() {}

    /**
     * Hex of exactly {@code size} bytes ({@code 0x} prefix, spaces and colons allowed), or for integer and enum
     * types a decimal number or an enumerator's name.
     */
    static byte[] parse(String what, String text, Type type, int size) {
        String trimmed = text.trim();
        Type underlying = type == null ? null : Types.underlying(type);
        if (underlying instanceof Int || underlying instanceof Enumeration) {
            Long number = number(trimmed, underlying);
            if (number != null) {
                byte[] out = new byte[size];
                ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.nativeOrder());
                switch (size) {
                    case 1 -> b.put(0, (byte) (long) number);
                    case 2 -> b.putShort(0, (short) (long) number);
                    case 4 -> b.putInt(0, (int) (long) number);
                    case 8 -> b.putLong(0, number);
                    default -> throw bad(what, text, size);
                }
                return out;
            }
        }
        String digits = trimmed.startsWith("0x") || trimmed.startsWith("0X") ? trimmed.substring(2) : trimmed;
        digits = digits.replace(" ", "").replace(":", "");
        if (digits.length() != 2 * size) {
            throw bad(what, text, size);
        }
        try {
            return HexFormat.of().parseHex(digits);
        } catch (IllegalArgumentException e) {
            throw bad(what, text, size);
        }
    }

    private static Long number(String text, Type type) {
        if (type instanceof Enumeration e) {
            for (EnumValue v : e.values()) {
                if (v.name().equals(text)) {
                    return v.value();
                }
            }
        }
        if (!text.matches("-?[0-9]+")) {
            return null;
        }
        try {
            BigInteger value = new BigInteger(text);
            return value.bitLength() <= 64 ? value.longValue() : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static InvalidEndpointRequestException bad(String what, String text, int size) {
        return new InvalidEndpointRequestException(what + " '" + text + "' is neither " + size
                + " bytes of hex nor a number of the " + what + " type", "bad " + what);
    }

    /** For per-CPU maps: one value repeated in every CPU's slot; otherwise the value as is. */
    static byte[] perCpu(byte[] value, BpfMap map) {
        if (!map.type().isPerCpu()) {
            return value;
        }
        int stride = (map.valueSize() + 7) & ~7;
        byte[] out = new byte[map.valueBufferSize()];
        for (int cpu = 0; cpu < Cpus.possible(); cpu++) {
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
