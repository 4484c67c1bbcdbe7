package io.ebpf4j.btf;

import java.util.List;

/** An {@link Enum} (values up to 32 bits) or an {@link Enum64}: what libbpf calls "any enum". */
public sealed interface Enumeration extends Type permits Enum, Enum64 {
    /** Size in bytes. */
    int size();

    void setSize(int size);

    void setName(String name);

    /** Whether values are signed (the BTF kind flag). */
    boolean isSigned();

    void setSigned(boolean signed);

    /** The enumerators, in declaration order. The list is live and modifiable. */
    List<EnumValue> values();
}
