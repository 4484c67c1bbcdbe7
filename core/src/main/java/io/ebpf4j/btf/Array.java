package io.ebpf4j.btf;

import java.util.Objects;

/**
 * An array ({@code BTF_KIND_ARRAY}) of {@link #length()} elements; length 0 for flexible array members.
 * The index type is informational (compilers emit an unsigned int or {@code __ARRAY_SIZE_TYPE__}).
 */
public final class Array implements Type {
    private Type element;
    private Type index;
    private int length;

    public Array(Type element, Type index, int length) {
        this.element = Objects.requireNonNull(element, "element");
        this.index = Objects.requireNonNull(index, "index");
        this.length = length;
    }

    Array(int length) {
        this.length = length;
    }

    @Override
    public String name() {
        return "";
    }

    @Override
    public Kind kind() {
        return Kind.ARRAY;
    }

    public Type element() {
        return element;
    }

    public void setElement(Type element) {
        this.element = Objects.requireNonNull(element, "element");
    }

    public Type index() {
        return index;
    }

    public void setIndex(Type index) {
        this.index = Objects.requireNonNull(index, "index");
    }

    /** Number of elements ({@code nelems}), an unsigned 32-bit value. */
    public int length() {
        return length;
    }

    public void setLength(int length) {
        this.length = length;
    }

    @Override
    public String toString() {
        return Types.describe(this);
    }
}
