package io.ebpf4j.btf;

/** What a CO-RE relocation asks about ({@code enum bpf_core_relo_kind}), with its number in {@code .BTF.ext}. */
public enum CoreKind {
    /** Byte offset of a field ({@code BPF_CORE_READ}, {@code offsetof}). */
    FIELD_BYTE_OFFSET(0),
    /** Size in bytes of a field, or of the integer to load for a bitfield. */
    FIELD_BYTE_SIZE(1),
    /** 1 if the field exists in the target, else 0 ({@code bpf_core_field_exists}). */
    FIELD_EXISTS(2),
    /** 1 if the field is a signed integer or a signed enum. */
    FIELD_SIGNED(3),
    /** Left shift that brings a bitfield's highest bit to bit 63 of a u64. */
    FIELD_LSHIFT_U64(4),
    /** Right shift that then brings the bitfield down to bit 0. */
    FIELD_RSHIFT_U64(5),
    /** The type's id in the program's own BTF ({@code bpf_core_type_id_local}). */
    TYPE_ID_LOCAL(6),
    /** The matching type's id in the target BTF ({@code bpf_core_type_id_kernel}), 0 if none. */
    TYPE_ID_TARGET(7),
    /** 1 if a compatible type exists in the target. */
    TYPE_EXISTS(8),
    /** Size of the matching target type, 0 if none. */
    TYPE_SIZE(9),
    /** 1 if the enumerator exists in the target enum. */
    ENUMVAL_EXISTS(10),
    /** The enumerator's value in the target. */
    ENUMVAL_VALUE(11),
    /** 1 if a target type matches the local one by libbpf's stricter "match" rules ({@code bpf_core_type_matches}). */
    TYPE_MATCHES(12);

    private static final CoreKind[] BY_WIRE_VALUE = values();

    private final int wireValue;

    CoreKind(int wireValue) {
        this.wireValue = wireValue;
    }

    public int wireValue() {
        return wireValue;
    }

    static CoreKind ofWireValue(int value) {
        return value >= 0 && value < BY_WIRE_VALUE.length ? BY_WIRE_VALUE[value] : null;
    }

    boolean isFieldBased() {
        return wireValue <= FIELD_RSHIFT_U64.wireValue;
    }

    boolean isTypeBased() {
        return this == TYPE_ID_LOCAL || this == TYPE_ID_TARGET || this == TYPE_EXISTS || this == TYPE_SIZE
                || this == TYPE_MATCHES;
    }

    boolean isEnumValueBased() {
        return this == ENUMVAL_EXISTS || this == ENUMVAL_VALUE;
    }
}
