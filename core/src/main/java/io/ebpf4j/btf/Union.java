package io.ebpf4j.btf;

import java.util.List;

/** A {@code union} ({@code BTF_KIND_UNION}): every member starts at bit offset 0. */
public final class Union extends MemberedType implements Composite {
    public Union(String name, int size, List<Member> members) {
        super(name, size, members);
    }

    Union(String name, int size, int memberCount) {
        super(name, size, memberCount);
    }

    @Override
    public Kind kind() {
        return Kind.UNION;
    }
}
