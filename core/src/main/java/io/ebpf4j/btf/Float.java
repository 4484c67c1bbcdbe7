package io.ebpf4j.btf;

import java.util.Objects;

/** A floating-point type ({@code BTF_KIND_FLOAT}): {@code float}, {@code double}, {@code long double}. */
public final class Float implements Type {
    private String name;
    private int size;

    public Float(String name, int size) {
        this.name = Objects.requireNonNull(name, "name");
        this.size = size;
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
        return Kind.FLOAT;
    }

    /** Size in bytes. */
    public int size() {
        return size;
    }

    public void setSize(int size) {
        this.size = size;
    }

    @Override
    public String toString() {
        return Types.describe(this);
    }
}
