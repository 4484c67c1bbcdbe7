package io.ebpf4j.btf;

import java.util.Objects;

/** The {@code restrict} qualifier ({@code BTF_KIND_RESTRICT}). */
public final class Restrict implements Qualifier {
    private Type type;

    public Restrict(Type type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    Restrict() {}

    @Override
    public String name() {
        return "";
    }

    @Override
    public Kind kind() {
        return Kind.RESTRICT;
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
