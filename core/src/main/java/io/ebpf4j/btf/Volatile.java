package io.ebpf4j.btf;

/** The {@code volatile} qualifier ({@code BTF_KIND_VOLATILE}). */
public final class Volatile extends QualifiedType implements Qualifier {
    public Volatile(Type type) {
        super(type);
    }

    Volatile() {}

    @Override
    public Kind kind() {
        return Kind.VOLATILE;
    }
}
