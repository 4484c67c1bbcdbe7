package io.ebpf4j.btf;

import java.util.Objects;

/** The {@code const} qualifier ({@code BTF_KIND_CONST}). */
public final class Const implements Qualifier {
    private Type type;

    public Const(Type type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    Const() {}

    @Override
    public String name() {
        return "";
    }

    @Override
    public Kind kind() {
        return Kind.CONST;
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
