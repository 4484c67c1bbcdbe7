package io.ebpf4j.btf;

import java.util.List;

/** A {@link Struct} or a {@link Union}: a sized type with named members. */
public sealed interface Composite extends Type permits Struct, Union {
    /** Size in bytes. */
    int size();

    void setSize(int size);

    void setName(String name);

    /** The members, in declaration order. The list is live and modifiable. */
    List<Member> members();
}
