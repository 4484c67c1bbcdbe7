package io.ebpf4j.btf;

import java.util.Objects;

/** A function ({@code BTF_KIND_FUNC}): a name, a {@link FuncProto} and a linkage. */
public final class Func implements Type {
    private String name;
    private FuncProto proto;
    private Linkage linkage;

    public Func(String name, FuncProto proto, Linkage linkage) {
        this.name = Objects.requireNonNull(name, "name");
        this.proto = Objects.requireNonNull(proto, "proto");
        this.linkage = Objects.requireNonNull(linkage, "linkage");
    }

    Func(String name, Linkage linkage) {
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
        return Kind.FUNC;
    }

    public FuncProto proto() {
        return proto;
    }

    public void setProto(FuncProto proto) {
        this.proto = Objects.requireNonNull(proto, "proto");
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
