package io.ebpf4j.btf;

import java.util.Objects;

/** A pointer ({@code BTF_KIND_PTR}). BTF does not record pointer sizes; they are 8 bytes for BPF. */
public final class Pointer implements Type {
    private Type target;

    public Pointer(Type target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    /** Shell for the spec inflater, which sets the target once it exists (pointers close type cycles). */
    Pointer() {}

    @Override
    public String name() {
        return "";
    }

    @Override
    public Kind kind() {
        return Kind.POINTER;
    }

    /** The pointed-to type ({@link Void#INSTANCE} for {@code void *}). */
    public Type target() {
        return target;
    }

    public void setTarget(Type target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    @Override
    public String toString() {
        return Types.describe(this);
    }
}
