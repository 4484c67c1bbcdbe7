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

/** Builds the {@link TypedMap} an injection point asks for, with codecs chosen by {@link Codecs#forType}. */
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
        try {
            return Codecs.forType(type, size, btf, "the " + role + " of map '" + map.name() + "'");
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage() + "; or inject the BpfMap and call typed(keyCodec,"
                    + " valueCodec)", e);
        }
    }
}
