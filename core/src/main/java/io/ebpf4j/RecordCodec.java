package io.ebpf4j;

import io.ebpf4j.btf.Array;
import io.ebpf4j.btf.Composite;
import io.ebpf4j.btf.Enumeration;
import io.ebpf4j.btf.Int;
import io.ebpf4j.btf.Member;
import io.ebpf4j.btf.Pointer;
import io.ebpf4j.btf.Type;
import io.ebpf4j.btf.Types;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Java record laid out as a BTF struct: each component is the struct member of the same name, at the member's
 * offset, checked for size. Members without a component are skipped when decoding and zero when encoding.
 */
final class RecordCodec<R extends Record> implements Codec<R> {
    private final Class<R> type;
    private final int size;
    private final Field[] fields;
    private final Constructor<R> constructor;

    /** How one component is read and written. */
    private record Field(RecordComponent component, int offset, int size, Codec<Object> codec) {}

    RecordCodec(Class<R> type, Type btfType) {
        this.type = type;
        Type resolved = Types.underlying(btfType);
        if (!(resolved instanceof Composite)) {
            throw new IllegalArgumentException("record " + type.getSimpleName() + " cannot map "
                    + Types.describe(btfType) + ": only structs and unions map to records");
        }
        Composite struct = (Composite) resolved;
        this.size = (int) Types.sizeof(struct);
        RecordComponent[] components = type.getRecordComponents();
        List<Field> mapped = new ArrayList<>();
        Class<?>[] parameterTypes = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            parameterTypes[i] = component.getType();
            Types.MemberRef ref = Types.findMember(struct, component.getName()).orElseThrow(() ->
                    new IllegalArgumentException("record component '" + component.getName() + "' of "
                            + type.getSimpleName() + " has no member in " + Types.describe(struct) + "; members: "
                            + struct.members().stream().map(Member::name).toList()));
            if (ref.member().isBitfield() || ref.bitOffset() % 8 != 0) {
                throw new IllegalArgumentException("member '" + component.getName() + "' is a bitfield, which "
                        + "records cannot map");
            }
            int memberSize = (int) Types.sizeof(ref.type());
            mapped.add(new Field(component, (int) (ref.bitOffset() / 8), memberSize,
                    codecFor(type, component.getName(), component.getType(), ref.type(), memberSize)));
        }
        this.fields = mapped.toArray(new Field[0]);
        try {
            this.constructor = type.getDeclaredConstructor(parameterTypes);
            this.constructor.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("record " + type.getName() + " has no canonical constructor", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Codec<Object> codecFor(Class<?> record, String name, Class<?> javaType, Type btf, int memberSize) {
        Type member = Types.underlying(btf);
        String where = "component '" + name + "' of " + record.getSimpleName();
        if (javaType.isRecord()) {
            return (Codec<Object>) (Codec<?>) new RecordCodec<>(javaType.asSubclass(Record.class), member);
        }
        if (javaType == String.class || javaType == byte[].class) {
            if (!(member instanceof Array) || Types.sizeof(((Array) member).element()) != 1) {
                throw new IllegalArgumentException(where + " is " + javaType.getSimpleName() + ", which maps a byte "
                        + "or char array, but the member is " + Types.describe(btf));
            }
            return (Codec<Object>) (Codec<?>) (javaType == String.class ? Codecs.string(memberSize)
                    : Codecs.bytes(memberSize));
        }
        if (javaType == long[].class || javaType == int[].class) {
            int element = javaType == long[].class ? 8 : 4;
            if (!(member instanceof Array) || Types.sizeof(((Array) member).element()) != element) {
                throw new IllegalArgumentException(where + " is " + javaType.getSimpleName() + ", but the member is "
                        + Types.describe(btf));
            }
            return (Codec<Object>) (Codec<?>) arrayCodec(javaType, ((Array) member).length());
        }
        int javaSize = primitiveSize(javaType);
        if (javaSize < 0) {
            throw new IllegalArgumentException(where + " has type " + javaType.getName()
                    + ", which no BTF member maps");
        }
        boolean integral = member instanceof Int || member instanceof Enumeration || member instanceof Pointer;
        boolean floating = member instanceof io.ebpf4j.btf.Float;
        boolean javaFloating = javaType == float.class || javaType == Float.class || javaType == double.class
                || javaType == Double.class;
        // Same size, or an integer member widened into a larger Java integer (never narrowed: no silent truncation).
        boolean fits = floating ? javaFloating && javaSize == memberSize
                : integral && !javaFloating
                        && (javaSize == memberSize || (javaSize > memberSize && !isBoolean(javaType)));
        if (!fits) {
            throw new IllegalArgumentException(where + " is " + javaType.getSimpleName() + " (" + javaSize
                    + " bytes), which cannot hold the member " + Types.describe(btf) + " (" + memberSize + " bytes)");
        }
        boolean signed = member instanceof Int && ((Int) member).isSigned()
                || member instanceof Enumeration && ((Enumeration) member).isSigned();
        return (Codec<Object>) (Codec<?>) scalarCodec(javaType, memberSize, signed);
    }

    private static boolean isBoolean(Class<?> t) {
        return t == boolean.class || t == Boolean.class;
    }

    private static int primitiveSize(Class<?> t) {
        if (t == long.class || t == Long.class || t == double.class || t == Double.class) {
            return 8;
        }
        if (t == int.class || t == Integer.class || t == float.class || t == Float.class) {
            return 4;
        }
        if (t == short.class || t == Short.class || t == char.class || t == Character.class) {
            return 2;
        }
        if (t == byte.class || t == Byte.class || t == boolean.class || t == Boolean.class) {
            return 1;
        }
        return -1;
    }

    /**
     * Reads {@code size} bytes (sign- or zero-extended as the member is signed or not) into a Java value of type
     * {@code t}, and writes the low {@code size} bytes back, refusing values the member cannot hold.
     */
    private static Codec<?> scalarCodec(Class<?> t, int size, boolean signed) {
        return new Codec<Object>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public void encode(Object value, ByteBuffer dst, int offset) {
                if (t == double.class || t == Double.class) {
                    dst.putDouble(offset, (Double) value);
                    return;
                }
                if (t == float.class || t == Float.class) {
                    dst.putFloat(offset, (Float) value);
                    return;
                }
                long v = value instanceof Boolean ? ((Boolean) value ? 1 : 0)
                        : value instanceof Character ? (Character) value : ((Number) value).longValue();
                if (primitiveSize(t) > size) { // a wider Java value must fit; same-size values keep their bits
                    long min = signed ? -(1L << (8 * size - 1)) : 0;
                    long max = signed ? (1L << (8 * size - 1)) - 1 : (1L << (8 * size)) - 1;
                    if (v < min || v > max) {
                        throw new IllegalArgumentException(v + " does not fit a " + size + "-byte "
                                + (signed ? "signed" : "unsigned") + " member");
                    }
                }
                switch (size) {
                    case 1: dst.put(offset, (byte) v); break;
                    case 2: dst.putShort(offset, (short) v); break;
                    case 4: dst.putInt(offset, (int) v); break;
                    default: dst.putLong(offset, v);
                }
            }

            @Override
            public Object decode(ByteBuffer src, int offset) {
                if (t == double.class || t == Double.class) {
                    return src.getDouble(offset);
                }
                if (t == float.class || t == Float.class) {
                    return src.getFloat(offset);
                }
                long v;
                switch (size) {
                    case 1: v = signed ? src.get(offset) : Byte.toUnsignedLong(src.get(offset)); break;
                    case 2: v = signed ? src.getShort(offset) : Short.toUnsignedLong(src.getShort(offset)); break;
                    case 4: v = signed ? src.getInt(offset) : Integer.toUnsignedLong(src.getInt(offset)); break;
                    default: v = src.getLong(offset);
                }
                if (t == long.class || t == Long.class) {
                    return v;
                } else if (t == int.class || t == Integer.class) {
                    return (int) v;
                } else if (t == short.class || t == Short.class) {
                    return (short) v;
                } else if (t == char.class || t == Character.class) {
                    return (char) v;
                } else if (isBoolean(t)) {
                    return v != 0;
                }
                return (byte) v;
            }
        };
    }

    private static Codec<?> arrayCodec(Class<?> t, int length) {
        boolean longs = t == long[].class;
        int element = longs ? 8 : 4;
        return new Codec<Object>() {
            @Override
            public int size() {
                return element * length;
            }

            @Override
            public void encode(Object value, ByteBuffer dst, int offset) {
                int n = longs ? ((long[]) value).length : ((int[]) value).length;
                if (n != length) {
                    throw new IllegalArgumentException("array of " + n + " elements for a member of " + length);
                }
                for (int i = 0; i < length; i++) {
                    if (longs) {
                        dst.putLong(offset + i * 8, ((long[]) value)[i]);
                    } else {
                        dst.putInt(offset + i * 4, ((int[]) value)[i]);
                    }
                }
            }

            @Override
            public Object decode(ByteBuffer src, int offset) {
                if (longs) {
                    long[] out = new long[length];
                    for (int i = 0; i < length; i++) {
                        out[i] = src.getLong(offset + i * 8);
                    }
                    return out;
                }
                int[] out = new int[length];
                for (int i = 0; i < length; i++) {
                    out[i] = src.getInt(offset + i * 4);
                }
                return out;
            }
        };
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void encode(R value, ByteBuffer dst, int offset) {
        for (int i = 0; i < size; i++) {
            dst.put(offset + i, (byte) 0);
        }
        for (Field f : fields) {
            Object component;
            try {
                component = f.component().getAccessor().invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read component '" + f.component().getName() + "'", e);
            }
            if (component == null) {
                throw new IllegalArgumentException("component '" + f.component().getName() + "' of "
                        + type.getSimpleName() + " is null");
            }
            f.codec().encode(component, dst, offset + f.offset());
        }
    }

    @Override
    public R decode(ByteBuffer src, int offset) {
        Object[] args = new Object[fields.length];
        for (int i = 0; i < fields.length; i++) {
            args[i] = fields[i].codec().decode(src, offset + fields[i].offset());
        }
        try {
            return constructor.newInstance(args);
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot construct " + type.getName() + " from "
                    + Arrays.toString(args), e);
        }
    }

    @Override
    public String toString() {
        return "RecordCodec[" + type.getSimpleName() + ", " + size + " bytes]";
    }
}
