package io.ebpf4j.btf;

/** The {@code const} qualifier ({@code BTF_KIND_CONST}). */
public final class Const extends QualifiedType implements Qualifier {
    public Const(Type type) {
        super(type);
    }

    Const() {}

    @Override
    public Kind kind() {
        return Kind.CONST;
    }
}
