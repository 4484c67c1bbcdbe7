package io.ebpf4j.btf;

import java.util.Objects;

/**
 * A declaration tag ({@code BTF_KIND_DECL_TAG}): {@code __attribute__((btf_decl_tag("value")))} on a struct, union,
 * variable, function or typedef ({@link #componentIndex()} -1), or on one of its members or parameters (index 0...).
 * {@link #name()} is the tag's value.
 */
public final class DeclTag implements Type {
    private String value;
    private Type type;
    private int componentIndex;
    private boolean attribute;

    public DeclTag(String value, Type type, int componentIndex) {
        this(value, type, componentIndex, false);
    }

    /**
     * @param attribute the kind flag: the tag is a plain C attribute ({@code __attribute__((value))}) rather than a
     *     {@code btf_decl_tag}, which kernels since 6.13 accept
     */
    public DeclTag(String value, Type type, int componentIndex, boolean attribute) {
        this.value = Objects.requireNonNull(value, "value");
        this.type = Objects.requireNonNull(type, "type");
        this.componentIndex = componentIndex;
        this.attribute = attribute;
    }

    DeclTag(String value, int componentIndex, boolean attribute) {
        this.value = value;
        this.componentIndex = componentIndex;
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
        return Kind.DECL_TAG;
    }

    /** The tagged declaration. */
    public Type type() {
        return type;
    }

    public void setType(Type type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    /** -1 when the tag applies to {@link #type()} itself, else the index of the tagged member or parameter. */
    public int componentIndex() {
        return componentIndex;
    }

    public void setComponentIndex(int componentIndex) {
        this.componentIndex = componentIndex;
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
