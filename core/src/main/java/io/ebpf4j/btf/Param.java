package io.ebpf4j.btf;

import java.util.Objects;

/**
 * A parameter of a {@link FuncProto}. A variadic prototype ends with an unnamed parameter of type
 * {@link Void#INSTANCE}.
 *
 * @param name the parameter name, empty when unknown
 */
public record Param(String name, Type type) {
    public Param {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    public Param withType(Type newType) {
        return new Param(name, newType);
    }
}
