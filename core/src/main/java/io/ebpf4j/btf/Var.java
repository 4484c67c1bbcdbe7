package io.ebpf4j.btf;

import java.util.Objects;

/** A global variable ({@code BTF_KIND_VAR}), listed in a {@link Datasec}. */
public final class Var implements Type {
    private String name;
    private Type type;
    private Linkage linkage;

    public Var(String name, Type type, Linkage linkage) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.linkage = Objects.requireNonNull(linkage, "linkage");
    }

    Var(String name, Linkage linkage) {
        this.name = name;
        this.linkage = linkage;
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
        return Kind.VAR;
    }

    public Type type() {
        return type;
    }

    public void setType(Type type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    public Linkage linkage() {
        return linkage;
    }

    public void setLinkage(Linkage linkage) {
        this.linkage = Objects.requireNonNull(linkage, "linkage");
    }

    @Override
    public String toString() {
        return Types.describe(this);
    }
}
