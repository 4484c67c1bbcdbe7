package io.ebpf4j.btf;

/** The {@code restrict} qualifier ({@code BTF_KIND_RESTRICT}). */
public final class Restrict extends QualifiedType implements Qualifier {
    public Restrict(Type type) {
        super(type);
    }

    Restrict() {}

    @Override
    public Kind kind() {
        return Kind.RESTRICT;
    }
}
