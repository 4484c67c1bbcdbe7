package io.ebpf4j.btf;

import java.util.List;

/** A {@code struct} ({@code BTF_KIND_STRUCT}). */
public final class Struct extends MemberedType implements Composite {
    public Struct(String name, int size, List<Member> members) {
        super(name, size, members);
    }

    Struct(String name, int size, int memberCount) {
        super(name, size, memberCount);
    }

    @Override
    public Kind kind() {
        return Kind.STRUCT;
    }
}
