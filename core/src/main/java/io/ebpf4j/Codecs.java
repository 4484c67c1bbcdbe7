package io.ebpf4j;

import io.ebpf4j.btf.Type;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Codecs for common key and value layouts. Unsigned kernel integers map to the next larger Java type. */
public final class Codecs {
    private Codecs() {}

    /** {@code __u8} as an {@code Integer} 0..255. */
    public static Codec<Integer> u8() {
        return new Fixed<>(1) {
            @Override
            public void encode(Integer value, ByteBuffer dst, int offset) {
                checkRange(value, 0, 0xff, "u8");
                dst.put(offset, (byte) value.intValue());
            }

            @Override
            public Integer decode(ByteBuffer src, int offset) {
                return Byte.toUnsignedInt(src.get(offset));
            }
        };
    }

    /** {@code __u16} as an {@code Integer} 0..65535. */
    public static Codec<Integer> u16() {
        return new Fixed<>(2) {
            @Override
            public void encode(Integer value, ByteBuffer dst, int offset) {
                checkRange(value, 0, 0xffff, "u16");
                dst.putShort(offset, (short) value.intValue());
            }

            @Override
            public Integer decode(ByteBuffer src, int offset) {
                return Short.toUnsignedInt(src.getShort(offset));
            }
        };
    }

    /** {@code __u32} as a {@code Long} 0..2^32-1. */
    public static Codec<Long> u32() {
        return new Fixed<>(4) {
            @Override
            public void encode(Long value, ByteBuffer dst, int offset) {
                checkRange(value, 0, 0xffff_ffffL, "u32");
                dst.putInt(offset, (int) value.longValue());
            }

            @Override
            public Long decode(ByteBuffer src, int offset) {
                return Integer.toUnsignedLong(src.getInt(offset));
            }
        };
    }

    /** {@code __s32} / {@code int} as an {@code Integer}. */
    public static Codec<Integer> s32() {
        return new Fixed<>(4) {
            @Override
            public void encode(Integer value, ByteBuffer dst, int offset) {
                dst.putInt(offset, value);
            }

            @Override
            public Integer decode(ByteBuffer src, int offset) {
                return src.getInt(offset);
            }
        };
    }

    /**
     * {@code __u64} as a {@code Long} holding the same 64 bits: values of 2^63 and more read as negative; use
     * {@link Long#toUnsignedString(long)} to print them.
     */
    public static Codec<Long> u64() {
        return s64();
    }

    /** {@code __s64} as a {@code Long}. */
    public static Codec<Long> s64() {
        return new Fixed<>(8) {
            @Override
            public void encode(Long value, ByteBuffer dst, int offset) {
                dst.putLong(offset, value);
            }

            @Override
            public Long decode(ByteBuffer src, int offset) {
                return src.getLong(offset);
            }
        };
    }

    /** Raw bytes of a fixed length. */
    public static Codec<byte[]> bytes(int size) {
        return new Fixed<>(size) {
            @Override
            public void encode(byte[] value, ByteBuffer dst, int offset) {
                if (value.length != size) {
                    throw new IllegalArgumentException("expected " + size + " bytes, got " + value.length);
                }
                dst.put(offset, value);
            }

            @Override
            public byte[] decode(ByteBuffer src, int offset) {
                byte[] out = new byte[size];
                src.get(offset, out);
                return out;
            }
        };
    }

    /** A NUL-padded {@code char[size]} as a UTF-8 string (decoding stops at the first NUL). */
    public static Codec<String> string(int size) {
        return new Fixed<>(size) {
            @Override
            public void encode(String value, ByteBuffer dst, int offset) {
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                if (bytes.length > size) {
                    throw new IllegalArgumentException("string of " + bytes.length + " bytes does not fit in "
                            + size);
                }
                byte[] padded = Arrays.copyOf(bytes, size);
                dst.put(offset, padded);
            }

            @Override
            public String decode(ByteBuffer src, int offset) {
                int end = 0;
                while (end < size && src.get(offset + end) != 0) {
                    end++;
                }
                byte[] out = new byte[end];
                src.get(offset, out);
                return new String(out, StandardCharsets.UTF_8);
            }
        };
    }

    /**
     * A record laid out as the BTF struct {@code btfType} (e.g. a map's key or value type from
     * {@link MapSpec#valueType()}): components match members by name, with sizes checked. Components may be
     * primitives or their boxes, {@code String}/{@code byte[]} for byte and char arrays, {@code int[]}/{@code long[]}
     * for integer arrays, and nested records for nested structs. Unsigned members read into the signed Java type of
     * the same size.
     */
    public static <R extends Record> Codec<R> record(Class<R> recordType, Type btfType) {
        return new RecordCodec<>(recordType, btfType);
    }

    /**
     * A codec for {@code javaType} over {@code size} bytes, as typed views choose them: the type's own
     * {@code public static final Codec CODEC} when it declares one (records and enums generated by ebpf4j-codegen
     * do); records laid out by {@code btfType}; {@code Long} for 8-byte and (unsigned) 4-byte integers;
     * {@code Integer} for 4-byte (signed), 2- and 1-byte (unsigned) ones; {@code String} for char arrays and
     * {@code byte[]} for anything.
     *
     * @param what names the data in errors, e.g. "the key of map 'counts'"
     * @throws IllegalArgumentException if {@code javaType} cannot hold {@code size} bytes
     */
    @SuppressWarnings("unchecked")
    public static <T> Codec<T> forType(Class<T> javaType, int size, Type btfType, String what) {
        Codec<?> codec = declaredCodec(javaType);
        if (codec == null) {
            codec = standardCodec(javaType, size, btfType, what);
        }
        if (codec.size() != size) {
            throw new IllegalArgumentException(what + " is " + size + " bytes, but " + javaType.getSimpleName()
                    + " is " + codec.size());
        }
        return (Codec<T>) codec;
    }

    private static Codec<?> standardCodec(Class<?> javaType, int size, Type btfType, String what) {
        if (javaType.isRecord()) {
            if (btfType == null) {
                throw new IllegalArgumentException(what + " has no BTF type to lay out record "
                        + javaType.getSimpleName() + " on: compile the object with -g");
            }
            return record(javaType.asSubclass(Record.class), btfType);
        } else if (javaType == Long.class && (size == 8 || size == 4)) {
            return size == 8 ? u64() : u32();
        } else if (javaType == Integer.class && (size == 4 || size == 2 || size == 1)) {
            return size == 4 ? s32() : size == 2 ? u16() : u8();
        } else if (javaType == String.class) {
            return string(size);
        } else if (javaType == byte[].class) {
            return bytes(size);
        } else {
            throw new IllegalArgumentException("no codec maps " + javaType.getName() + " onto " + what + " ("
                    + size + " bytes): use Long, Integer, String, byte[] or a record matching the BTF type");
        }
    }

    /** The {@code public static final Codec CODEC} field of {@code type}, or null when it declares none. */
    private static Codec<?> declaredCodec(Class<?> type) {
        try {
            Field field = type.getField("CODEC");
            if (Modifier.isStatic(field.getModifiers()) && Codec.class.isAssignableFrom(field.getType())) {
                return (Codec<?>) field.get(null);
            }
        } catch (NoSuchFieldException | IllegalAccessException e) {
            // no usable codec of its own: laid out another way
        }
        return null;
    }

    private static void checkRange(long value, long min, long max, String type) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(value + " is out of range for " + type);
        }
    }

    private abstract static class Fixed<T> implements Codec<T> {
        private final int size;

        Fixed(int size) {
            if (size <= 0) {
                throw new IllegalArgumentException("codec size must be positive, got " + size);
            }
            this.size = size;
        }

        @Override
        public int size() {
            return size;
        }
    }
}
