package io.ebpf4j.btf;

import java.util.Objects;

/**
 * A type tag ({@code BTF_KIND_TYPE_TAG}): {@code __attribute__((btf_type_tag("user")))} on a pointee type, as in the
 * kernel's {@code __user} and {@code __rcu}. {@link #name()} is the tag's value.
 */
public final class TypeTag implements Qualifier {
    private String value;
    private Type type;
    private boolean attribute;

    public TypeTag(String value, Type type) {
        this(value, type, false);
    }

    /**
     * @param attribute the kind flag: the tag is a plain C attribute ({@code __attribute__((value))}) rather than a
     *     {@code btf_type_tag}, which kernels since 6.13 accept
     */
    public TypeTag(String value, Type type, boolean attribute) {
        this.value = Objects.requireNonNull(value, "value");
        this.type = Objects.requireNonNull(type, "type");
        this.attribute = attribute;
    }

    TypeTag(String value, boolean attribute) {
        this.value = value;
        this.attribute = attribute;
    }

    /** The tag's value. */
    @Override
    public String name() {
        return value;
    }

    public void setName(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    @Override
    public Kind kind() {
        return Kind.TYPE_TAG;
    }

    @Override
    public Type type() {
        return type;
    }

    @Override
    public void setType(Type type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    public boolean isAttribute() {
        return attribute;
    }

    public void setAttribute(boolean attribute) {
        this.attribute = attribute;
    }

    @Override
    public String toString() {
        return Types.describe(this);
    }
}
