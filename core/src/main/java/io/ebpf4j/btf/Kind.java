package io.ebpf4j.btf;

/** The BTF kinds, with their numbers in the wire format ({@code BTF_KIND_*} in {@code linux/btf.h}). */
public enum Kind {
    VOID(0, Void.class),
    INT(1, Int.class),
    POINTER(2, Pointer.class),
    ARRAY(3, Array.class),
    STRUCT(4, Struct.class),
    UNION(5, Union.class),
    ENUM(6, Enum.class),
    FWD(7, Fwd.class),
    TYPEDEF(8, Typedef.class),
    VOLATILE(9, Volatile.class),
    CONST(10, Const.class),
    RESTRICT(11, Restrict.class),
    FUNC(12, Func.class),
    FUNC_PROTO(13, FuncProto.class),
    VAR(14, Var.class),
    DATASEC(15, Datasec.class),
    FLOAT(16, Float.class),
    DECL_TAG(17, DeclTag.class),
    TYPE_TAG(18, TypeTag.class),
    ENUM64(19, Enum64.class);

    private static final Kind[] BY_WIRE_VALUE = values();

    private final int wireValue;
    private final Class<? extends Type> javaClass;

    Kind(int wireValue, Class<? extends Type> javaClass) {
        this.wireValue = wireValue;
        this.javaClass = javaClass;
    }

    /** The number of this kind in {@code btf_type.info}. */
    public int wireValue() {
        return wireValue;
    }

    /** The {@link Type} class that represents this kind. */
    public Class<? extends Type> javaClass() {
        return javaClass;
    }

    /** The kind with this wire number, or {@code null} for numbers this library does not know. */
    static Kind ofWireValue(int value) {
        return value >= 0 && value < BY_WIRE_VALUE.length ? BY_WIRE_VALUE[value] : null;
    }

    /** Bit set of the wire numbers of the kinds whose class is {@code kind} or a subtype of it. */
    static int maskOf(Class<? extends Type> kind) {
        int mask = 0;
        for (Kind k : BY_WIRE_VALUE) {
            if (kind.isAssignableFrom(k.javaClass)) {
                mask |= 1 << k.wireValue;
            }
        }
        return mask;
    }
}
