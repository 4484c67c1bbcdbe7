package io.ebpf4j.btf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A {@code union} ({@code BTF_KIND_UNION}): every member starts at bit offset 0. */
public final class Union implements Composite {
    private String name;
    private int size;
    private final List<Member> members;

    public Union(String name, int size, List<Member> members) {
        this.name = Objects.requireNonNull(name, "name");
        this.size = size;
        this.members = new ArrayList<>(members);
    }

    Union(String name, int size, int memberCount) {
        this.name = name;
        this.size = size;
        this.members = new ArrayList<>(memberCount);
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
        return Kind.UNION;
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
    public List<Member> members() {
        return members;
    }

    @Override
    public String toString() {
        return Types.describe(this);
    }
}
