package io.ebpf4j;

import io.ebpf4j.btf.Array;
import io.ebpf4j.btf.Int;
import io.ebpf4j.btf.Type;
import io.ebpf4j.btf.Types;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A global variable of a BPF object ({@code .data}, {@code .bss}, {@code .rodata}, custom {@code .data.*} /
 * {@code .rodata.*} sections): a window of {@link #size()} bytes at {@link #offset()} in its section's map. Setting
 * it before loading rewrites the initial contents of that map; for {@code const volatile} globals in
 * {@code .rodata} this is how a program is configured with constants the verifier can see. Zero-filled sections
 * ({@code .bss}) get contents only once a variable in them is set.
 */
public final class VariableSpec {
    private final String name;
    private final MapSpec map;
    private final int offset;
    private final int size;
    private final Type type;
    private final ByteOrder order;

    VariableSpec(String name, MapSpec map, int offset, int size, Type type, ByteOrder order) {
        this.name = Objects.requireNonNull(name, "name");
        this.map = Objects.requireNonNull(map, "map");
        this.offset = offset;
        this.size = size;
        this.type = type;
        this.order = order;
    }

    /** The section's initial contents, or {@code null} while it is all zeros. */
    private byte[] section() {
        return map.contents().isEmpty() ? null : (byte[]) map.contents().get(0).value();
    }

    /** The section's contents, created (zero-filled) for the first write. */
    private byte[] writableSection() {
        byte[] section = section();
        if (section == null) {
            section = new byte[map.valueSize()];
            map.contents(List.of(new MapSpec.Entry(0, section)));
        }
        return section;
    }

    public String name() {
        return name;
    }

    /** Name of the map (data section) holding the variable, e.g. {@code .rodata}. */
    public String mapName() {
        return map.name();
    }

    public int offset() {
        return offset;
    }

    public int size() {
        return size;
    }

    /** The variable's BTF type, when the object has BTF. */
    public Type type() {
        return type;
    }

    /** Whether the variable lives in a read-only section, so the verifier treats its value as a constant. */
    public boolean isConstant() {
        return map.name().startsWith(".rodata");
    }

    /** A copy of the current value bytes (in the object's byte order). */
    public byte[] get() {
        byte[] section = section();
        return section == null ? new byte[size] : Arrays.copyOfRange(section, offset, offset + size);
    }

    /** The value as an unsigned/signed integer of 1, 2, 4 or 8 bytes. */
    public long getLong() {
        ByteBuffer b = ByteBuffer.wrap(get()).order(order);
        switch (size) {
            case 1: return b.get(0);
            case 2: return b.getShort(0);
            case 4: return b.getInt(0);
            case 8: return b.getLong(0);
            default: throw new IllegalStateException("variable '" + name + "' is " + size + " bytes, not an integer");
        }
    }

    /**
     * Sets the value: a {@link Number} or {@link Boolean} for integer variables (checked to fit), a {@link String}
     * for {@code char[]} variables (NUL-padded), or {@code byte[]} of exactly {@link #size()} bytes.
     */
    public VariableSpec set(Object value) {
        System.arraycopy(encode(value), 0, writableSection(), offset, size);
        return this;
    }

    /** The bytes of {@code value} as this variable holds them (see {@link #set(Object)}). */
    byte[] encode(Object value) {
        Objects.requireNonNull(value, "value");
        byte[] bytes;
        if (value instanceof byte[]) {
            bytes = (byte[]) value;
        } else if (value instanceof Boolean) {
            return encode(((Boolean) value) ? 1 : 0);
        } else if (value instanceof Number) {
            bytes = integerBytes(((Number) value).longValue());
        } else if (value instanceof String) {
            if (type != null && !(Types.underlying(type) instanceof Array)) {
                throw new IllegalArgumentException("variable '" + name + "' is " + Types.describe(type)
                        + ", not a char array: it cannot be set from a string");
            }
            byte[] text = ((String) value).getBytes(StandardCharsets.UTF_8);
            if (text.length >= size) {
                throw new IllegalArgumentException("variable '" + name + "' holds " + (size - 1)
                        + " characters, got " + text.length);
            }
            bytes = Arrays.copyOf(text, size);
        } else {
            throw new IllegalArgumentException("cannot set variable '" + name + "' from a "
                    + value.getClass().getSimpleName() + ": use a number, boolean, string or byte[]");
        }
        if (bytes.length != size) {
            throw new IllegalArgumentException("variable '" + name + "' is " + size + " bytes, got " + bytes.length);
        }
        return bytes;
    }

    private byte[] integerBytes(long v) {
        ByteBuffer b = ByteBuffer.allocate(size).order(order);
        boolean signed = type != null && Types.underlying(type) instanceof Int
                && ((Int) Types.underlying(type)).isSigned();
        switch (size) {
            case 1:
                checkRange(v, signed ? Byte.MIN_VALUE : 0, signed ? Byte.MAX_VALUE : 0xff);
                return b.put((byte) v).array();
            case 2:
                checkRange(v, signed ? Short.MIN_VALUE : 0, signed ? Short.MAX_VALUE : 0xffff);
                return b.putShort((short) v).array();
            case 4:
                checkRange(v, signed ? Integer.MIN_VALUE : 0, signed ? Integer.MAX_VALUE : 0xffff_ffffL);
                return b.putInt((int) v).array();
            case 8:
                return b.putLong(v).array();
            default:
                throw new IllegalArgumentException("variable '" + name + "' is " + size
                        + " bytes: set it from a byte[] rather than a number");
        }
    }

    private void checkRange(long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(v + " does not fit variable '" + name + "' (" + size + " bytes, "
                    + (min < 0 ? "signed" : "unsigned") + ")");
        }
    }

    /** The same variable in the map of a copied collection. */
    VariableSpec copyOnto(MapSpec copiedMap) {
        return new VariableSpec(name, copiedMap, offset, size, type, order);
    }

    @Override
    public String toString() {
        return "VariableSpec[" + name + " in " + map.name() + " at " + offset + ", " + size + " bytes]";
    }
}
