package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.Codec;
import io.ebpf4j.btf.Array;
import io.ebpf4j.btf.Composite;
import io.ebpf4j.btf.Enumeration;
import io.ebpf4j.btf.Float;
import io.ebpf4j.btf.Int;
import io.ebpf4j.btf.Member;
import io.ebpf4j.btf.Pointer;
import io.ebpf4j.btf.Type;
import io.ebpf4j.btf.Types;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A codec between a Java record and a C struct described by BTF: each record component is the struct member of the
 * same name, at the offset and with the size BTF gives. Members the record leaves out are skipped when reading and
 * written as zeros. Integer members map to {@code long}, {@code int}, {@code short}, {@code byte} or
 * {@code boolean} components (narrower Java types keep the low bits), floats to {@code float}/{@code double},
 * {@code char[]} to {@code String}, other arrays to {@code byte[]}, pointers to {@code long}, nested structs to
 * nested records.
 */
final class RecordCodec<R> implements Codec<R> {
    private final Class<R> type;
    private final int size;
    private final List<Field> fields;
    private final Constructor<R> constructor;

    private RecordCodec(Class<R> type, int size, List<Field> fields, Constructor<R> constructor) {
        this.type = type;
        this.size = size;
        this.fields = fields;
        this.constructor = constructor;
    }

    /** @throws IllegalArgumentException naming the component that does not fit the struct */
    static <R> RecordCodec<R> of(Class<R> type, Type btf) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        Type struct = Types.underlying(btf);
        if (!(struct instanceof Composite)) {
            throw new IllegalArgumentException("record " + type.getSimpleName() + " cannot map "
                    + Types.describe(btf) + ": only structs and unions map to records");
        }
        List<Field> fields = new ArrayList<>();
        RecordComponent[] components = type.getRecordComponents();
        for (RecordComponent component : components) {
            Optional<Types.MemberRef> ref = Types.findMember(struct, component.getName());
            if (ref.isEmpty()) {
                throw new IllegalArgumentException(Types.describe(struct) + " has no member '" + component.getName()
                        + "' for component " + type.getSimpleName() + "." + component.getName() + "; it has "
                        + ((Composite) struct).members().stream().map(Member::name).toList());
            }
            Member member = ref.get().member();
            if (member.isBitfield()) {
                throw new IllegalArgumentException("member '" + member.name() + "' of " + Types.describe(struct)
                        + " is a bit field, which records cannot map");
            }
            Method accessor = component.getAccessor();
            accessor.setAccessible(true);
            fields.add(new Field(component.getName(), (int) (ref.get().bitOffset() / 8),
                    converter(type, component, member.type()), accessor));
        }
        try {
            Constructor<R> constructor = type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            constructor.setAccessible(true);
            return new RecordCodec<>(type, Math.toIntExact(Types.sizeof(struct)), List.copyOf(fields), constructor);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("record " + type.getName() + " has no canonical constructor", e);
        }
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
        for (Field field : fields) {
            try {
                field.converter.encode(field.accessor.invoke(value), dst, offset + field.offset);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + type.getSimpleName() + "." + field.name, e);
            }
        }
    }

    @Override
    public R decode(ByteBuffer src, int offset) {
        Object[] arguments = new Object[fields.size()];
        for (int i = 0; i < arguments.length; i++) {
            Field field = fields.get(i);
            arguments[i] = field.converter.decode(src, offset + field.offset);
        }
        try {
            return constructor.newInstance(arguments);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + type.getSimpleName(), e);
        }
    }

    private record Field(String name, int offset, Codec<Object> converter, Method accessor) {}

    /** How one component reads and writes its member; the size is the member's. */
    @SuppressWarnings("unchecked")
    private static Codec<Object> converter(Class<?> record, RecordComponent component, Type memberType) {
        Type member = Types.underlying(memberType);
        Class<?> java = component.getType();
        String where = record.getSimpleName() + "." + component.getName();
        if (member instanceof Int || member instanceof Enumeration || member instanceof Pointer) {
            int size = Math.toIntExact(Types.sizeof(member));
            boolean signed = member instanceof Int ? ((Int) member).isSigned()
                    : member instanceof Enumeration && ((Enumeration) member).isSigned();
            return integer(java, size, signed, where, memberType);
        }
        if (member instanceof Float) {
            int size = ((Float) member).size();
            if ((java == double.class || java == Double.class) && (size == 8 || size == 4)) {
                return size == 8 ? scalar(8, (b, o) -> b.getDouble(o), (b, o, v) -> b.putDouble(o, (Double) v))
                        : scalar(4, (b, o) -> (double) b.getFloat(o), (b, o, v) -> b.putFloat(o,
                        ((Double) v).floatValue()));
            }
            if ((java == float.class || java == java.lang.Float.class) && size == 4) {
                return scalar(4, (b, o) -> b.getFloat(o), (b, o, v) -> b.putFloat(o, (java.lang.Float) v));
            }
        }
        if (member instanceof Array) {
            int size = Math.toIntExact(Types.sizeof(member));
            Type element = Types.underlying(((Array) member).element());
            if (java == String.class && element instanceof Int && ((Int) element).size() == 1) {
                return (Codec<Object>) (Codec<?>) io.ebpf4j.Codecs.string(size);
            }
            if (java == byte[].class) {
                return (Codec<Object>) (Codec<?>) io.ebpf4j.Codecs.bytes(size);
            }
        }
        if (member instanceof Composite && java.isRecord()) {
            return (Codec<Object>) (Codec<?>) of(java, member);
        }
        throw new IllegalArgumentException("component " + where + " (" + java.getSimpleName()
                + ") cannot hold member of type " + Types.describe(memberType));
    }

    private static Codec<Object> integer(Class<?> java, int size, boolean signed, String where, Type memberType) {
        Reader read;
        switch (size) {
            case 1:
                read = signed ? (b, o) -> (long) b.get(o) : (b, o) -> (long) Byte.toUnsignedInt(b.get(o));
                break;
            case 2:
                read = signed ? (b, o) -> (long) b.getShort(o) : (b, o) -> (long) Short.toUnsignedInt(b.getShort(o));
                break;
            case 4:
                read = signed ? (b, o) -> (long) b.getInt(o) : (b, o) -> Integer.toUnsignedLong(b.getInt(o));
                break;
            case 8:
                read = (b, o) -> b.getLong(o);
                break;
            default:
                throw new IllegalArgumentException("member for " + where + " is " + Types.describe(memberType)
                        + " of " + size + " bytes");
        }
        Writer write = (b, o, v) -> {
            long bits = v instanceof Boolean ? ((Boolean) v ? 1 : 0) : ((Number) v).longValue();
            switch (size) {
                case 1 -> b.put(o, (byte) bits);
                case 2 -> b.putShort(o, (short) bits);
                case 4 -> b.putInt(o, (int) bits);
                default -> b.putLong(o, bits);
            }
        };
        if (java == long.class || java == Long.class) {
            return scalar(size, read::read, write);
        }
        if (java == int.class || java == Integer.class) {
            return scalar(size, (b, o) -> (int) read.read(b, o), write);
        }
        if (java == short.class || java == Short.class) {
            return scalar(size, (b, o) -> (short) read.read(b, o), write);
        }
        if (java == byte.class || java == Byte.class) {
            return scalar(size, (b, o) -> (byte) read.read(b, o), write);
        }
        if (java == boolean.class || java == Boolean.class) {
            return scalar(size, (b, o) -> read.read(b, o) != 0, write);
        }
        throw new IllegalArgumentException("component " + where + " (" + java.getSimpleName()
                + ") cannot hold integer member " + Types.describe(memberType));
    }

    private interface Reader {
        long read(ByteBuffer buffer, int offset);
    }

    private interface Writer {
        void write(ByteBuffer buffer, int offset, Object value);
    }

    private interface Decoder {
        Object decode(ByteBuffer buffer, int offset);
    }

    private static Codec<Object> scalar(int size, Decoder decoder, Writer writer) {
        return new Codec<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public void encode(Object value, ByteBuffer dst, int offset) {
                writer.write(dst, offset, value);
            }

            @Override
            public Object decode(ByteBuffer src, int offset) {
                return decoder.decode(src, offset);
            }
        };
    }

    @Override
    public String toString() {
        return "RecordCodec[" + type.getSimpleName() + ", " + size + " bytes]";
    }
}
