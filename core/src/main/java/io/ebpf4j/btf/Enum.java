package io.ebpf4j.btf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An enumeration with 32-bit values ({@code BTF_KIND_ENUM}). Values are kept as {@code long}: sign-extended when {@link
 * #isSigned()}, zero-extended otherwise.
 */
public final class Enum implements Enumeration {
    private String name;
    private int size;
    private boolean signed;
    private final List<EnumValue> values;

    public Enum(String name, int size, boolean signed, List<EnumValue> values) {
        this.name = Objects.requireNonNull(name, "name");
        this.size = size;
        this.signed = signed;
        this.values = new ArrayList<>(values);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public Kind kind() {
        return Kind.ENUM;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void setSize(int size) {
        this.size = size;
    }

    @Override
    public boolean isSigned() {
        return signed;
    }

    @Override
    public void setSigned(boolean signed) {
        this.signed = signed;
    }

    @Override
    public List<EnumValue> values() {
        return values;
    }

    @Override
    public String toString() {
        return Types.describe(this);
    }
}
