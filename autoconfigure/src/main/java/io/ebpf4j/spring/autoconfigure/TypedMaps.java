package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.BpfMap;
import io.ebpf4j.Codec;
import io.ebpf4j.Codecs;
import io.ebpf4j.MapSpec;
import io.ebpf4j.TypedMap;
import io.ebpf4j.btf.Type;
import org.springframework.beans.factory.InjectionPoint;
import org.springframework.beans.factory.config.DependencyDescriptor;
import org.springframework.core.ResolvableType;

/**
 * Builds the {@link TypedMap} an injection point asks for, choosing codecs from its generic types and the map's
 * sizes: {@code Long} for 8-byte (u64) and 4-byte (u32) integers, {@code Integer} for 4-byte (s32), 2-byte and 1-byte
 * ones, {@code String} for {@code char[]}, {@code byte[]} for anything, and records for structs described by the
 * object's BTF.
 */
final class TypedMaps {
    private TypedMaps() {}

    static TypedMap<?, ?> create(BpfMap map, MapSpec spec, InjectionPoint injectionPoint) {
        ResolvableType typedMap = declaredType(injectionPoint).as(TypedMap.class);
        Class<?> keyType = typedMap.getGeneric(0).resolve();
        Class<?> valueType = typedMap.getGeneric(1).resolve();
        if (keyType == null || valueType == null) {
            throw new IllegalStateException("cannot tell the key and value types of map '" + map.name() + "' from "
                    + injectionPoint + ": declare it as TypedMap<K, V> with concrete types");
        }
        Codec<?> keys = codec(keyType, map.keySize(), spec == null ? null : spec.keyType(), "key", map);
        Codec<?> values = codec(valueType, map.valueSize(), spec == null ? null : spec.valueType(), "value", map);
        return typed(map, keys, values);
    }

    private static <K, V> TypedMap<K, V> typed(BpfMap map, Codec<K> keys, Codec<V> values) {
        return map.typed(keys, values);
    }

    /** The type at the injection point, looking through Optional and ObjectProvider. */
    private static ResolvableType declaredType(InjectionPoint injectionPoint) {
        if (injectionPoint instanceof DependencyDescriptor) {
            return ((DependencyDescriptor) injectionPoint).getResolvableType();
        }
        return injectionPoint.getField() != null ? ResolvableType.forField(injectionPoint.getField())
                : ResolvableType.forMethodParameter(injectionPoint.getMethodParameter());
    }

    static Codec<?> codec(Class<?> type, int size, Type btf, String role, BpfMap map) {
        if (type == Long.class && (size == 8 || size == 4)) {
            return size == 8 ? Codecs.u64() : Codecs.u32();
        }
        if (type == Integer.class && (size == 4 || size == 2 || size == 1)) {
            return size == 4 ? Codecs.s32() : size == 2 ? Codecs.u16() : Codecs.u8();
        }
        if (type == String.class) {
            return Codecs.string(size);
        }
        if (type == byte[].class) {
            return Codecs.bytes(size);
        }
        if (type.isRecord()) {
            if (btf == null) {
                throw new IllegalStateException("map '" + map.name() + "' has no BTF " + role + " type to map record "
                        + type.getSimpleName() + " on: compile the object with -g");
            }
            try {
                return RecordCodec.of(type, btf);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("map '" + map.name() + "': " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException("map '" + map.name() + "': no codec for " + role + " type "
                + type.getName() + " (" + size + " bytes); use Long, Integer, String, byte[] or a record matching"
                + " the BTF type, or inject the BpfMap and call typed(keyCodec, valueCodec)");
    }
}
