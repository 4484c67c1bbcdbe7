package io.ebpf4j.btf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What a {@link Struct} and a {@link Union} hold alike: a name, a size and members; they differ in kind only. */
abstract class MemberedType {
    private String name;
    private int size;
    private final List<Member> members;

    MemberedType(String name, int size, List<Member> members) {
        this.name = Objects.requireNonNull(name, "name");
        this.size = size;
        this.members = new ArrayList<>(members);
    }

    MemberedType(String name, int size, int memberCount) {
        this.name = name;
        this.size = size;
        this.members = new ArrayList<>(memberCount);
    }

    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    public int size() {
        return size;
    }

    public void setSize(int size) {
        this.size = size;
    }

    public List<Member> members() {
        return members;
    }

    @Override
    public String toString() {
        return Types.describe((Type) this);
    }
}
