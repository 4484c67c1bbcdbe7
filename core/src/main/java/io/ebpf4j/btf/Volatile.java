package io.ebpf4j.btf;

import java.util.Objects;

/** The {@code volatile} qualifier ({@code BTF_KIND_VOLATILE}). */
public final class Volatile implements Qualifier {
    private Type type;

    public Volatile(Type type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    Volatile() {}

    @Override
    public String name() {
        return "";
    }

    @Override
    public Kind kind() {
        return Kind.VOLATILE;
    }

    @Override
    public Type type() {
        return type;
    }

    @Override
    public void setType(Type type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    @Override
    public String toString() {
        return Types.describe(this);
    }
}
