package io.ebpf4j.btf;

import java.util.Objects;

/** A {@code typedef} ({@code BTF_KIND_TYPEDEF}). */
public final class Typedef implements Type {
    private String name;
    private Type type;

    public Typedef(String name, Type type) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
    }

    Typedef(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public Kind kind() {
        return Kind.TYPEDEF;
    }

    /** The aliased type. */
    public Type type() {
        return type;
    }

    public void setType(Type type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    @Override
    public String toString() {
        return Types.describe(this);
    }
}
