package io.ebpf4j.btf;

import java.util.Objects;

/**
 * A variable's place in a {@link Datasec}.
 *
 * @param type the {@link Var} (or, in {@code .ksyms}, the extern {@link Func})
 * @param offset byte offset in the section
 * @param size size in bytes
 */
public record VarSecinfo(Type type, int offset, int size) {
    public VarSecinfo {
        Objects.requireNonNull(type, "type");
    }

    public VarSecinfo withType(Type newType) {
        return new VarSecinfo(newType, offset, size);
    }
}
