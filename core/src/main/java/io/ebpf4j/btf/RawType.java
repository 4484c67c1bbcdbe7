package io.ebpf4j.btf;

import java.util.Objects;

/**
 * A type's record as a {@link Spec} stores it, read field by field without creating {@link Type} objects: what
 * libbpf's {@code btf__type_by_id} returns, with the accessors of {@code btf_members}, {@code btf_enum},
 * {@code btf_params} and {@code btf_var_secinfos}. References are type ids, names are string offsets
 * ({@link Spec#string(int)} reads them); walking every member of a kernel's BTF this way costs no more memory than the
 * blob itself.
 *
 * <p>Parsing checked that every name and type id in the record is in range. Accessors of the wrong kind throw
 * {@link IllegalStateException}; entry indexes outside {@code [0, vlen())} throw {@link IndexOutOfBoundsException}.
 * A raw type reads the spec's immutable data and is thread-safe.
 */
public final class RawType {
    private static final int HEADER_LEN = 12;
    private static final int STRUCT = 1 << Kind.STRUCT.wireValue() | 1 << Kind.UNION.wireValue();
    private static final int ENUM = 1 << Kind.ENUM.wireValue() | 1 << Kind.ENUM64.wireValue();
    private static final int SIZED = STRUCT | ENUM | 1 << Kind.INT.wireValue() | 1 << Kind.DATASEC.wireValue()
            | 1 << Kind.FLOAT.wireValue();
    private static final int REFERRING = 1 << Kind.POINTER.wireValue() | 1 << Kind.TYPEDEF.wireValue()
            | 1 << Kind.VOLATILE.wireValue() | 1 << Kind.CONST.wireValue() | 1 << Kind.RESTRICT.wireValue()
            | 1 << Kind.FUNC.wireValue() | 1 << Kind.FUNC_PROTO.wireValue() | 1 << Kind.VAR.wireValue()
            | 1 << Kind.DECL_TAG.wireValue() | 1 << Kind.TYPE_TAG.wireValue();
    /** The record of {@link Void}, which the wire format does not store. */
    private static final byte[] VOID_RECORD = new byte[HEADER_LEN];

    private final Spec spec;
    private final byte[] data;
    private final int pos;
    private final int id;

    private RawType(Spec spec, byte[] data, int pos, int id) {
        this.spec = spec;
        this.data = data;
        this.pos = pos;
        this.id = id;
    }

    static RawType of(Spec spec, byte[] data, int pos, int id) {
        return new RawType(spec, data, pos, id);
    }

    static RawType voidType(Spec spec) {
        return new RawType(spec, VOID_RECORD, 0, 0);
    }

    public int id() {
        return id;
    }

    public Kind kind() {
        return Kind.ofWireValue(kindValue());
    }

    /** Offset of the name in the string section; 0 for anonymous types. */
    public int nameOffset() {
        return word(0);
    }

    /** The name, or the empty string. Creates a string: compare {@link #nameOffset()}s where that is enough. */
    public String name() {
        return spec.string(nameOffset());
    }

    /**
     * The kind flag of the record: bitfield offsets in members (structs and unions), signedness (enums), a union
     * target (forward declarations), an attribute (declaration and type tags).
     */
    public boolean kindFlag() {
        return word(4) < 0;
    }

    /**
     * Number of entries: members, enumerators, parameters or variables; the linkage value of a function.
     */
    public int vlen() {
        return word(4) & 0xffffff;
    }

    /** Size in bytes of an integer, struct, union, enum, data section or float. */
    public int size() {
        expect(SIZED, "a size");
        return word(8);
    }

    /**
     * The type id this type refers to: the target of a pointer, typedef, qualifier or type tag, the prototype of a
     * function, the return type of a prototype, the type of a variable, the tagged type of a declaration tag.
     */
    public int type() {
        expect(REFERRING, "a referenced type");
        return word(8);
    }

    // Kind-specific trailing data

    /** An integer's encoding, or {@code null} for an invalid one (which inflating the type reports). */
    public Int.Encoding intEncoding() {
        expect(1 << Kind.INT.wireValue(), "an integer encoding");
        return Int.Encoding.ofWireValue((word(HEADER_LEN) >>> 24) & 0x0f);
    }

    /** Offset of an integer's value bits within its storage. */
    public int intBitOffset() {
        expect(1 << Kind.INT.wireValue(), "an integer encoding");
        return (word(HEADER_LEN) >>> 16) & 0xff;
    }

    /** Number of value bits of an integer. */
    public int intBits() {
        expect(1 << Kind.INT.wireValue(), "an integer encoding");
        return word(HEADER_LEN) & 0xff;
    }

    public int arrayElement() {
        expect(1 << Kind.ARRAY.wireValue(), "an array element");
        return word(HEADER_LEN);
    }

    public int arrayIndex() {
        expect(1 << Kind.ARRAY.wireValue(), "an array index type");
        return word(HEADER_LEN + 4);
    }

    /** Number of elements of an array (unsigned). */
    public int arrayLength() {
        expect(1 << Kind.ARRAY.wireValue(), "an array length");
        return word(HEADER_LEN + 8);
    }

    /** Linkage of a function or variable, or {@code null} for a value this library does not know. */
    public Linkage linkage() {
        int kind = kindValue();
        expect(1 << Kind.FUNC.wireValue() | 1 << Kind.VAR.wireValue(), "a linkage");
        return Linkage.ofWireValue(kind == Kind.FUNC.wireValue() ? vlen() : word(HEADER_LEN));
    }

    /** A declaration tag's member or parameter index, -1 when it tags the type itself. */
    public int componentIndex() {
        expect(1 << Kind.DECL_TAG.wireValue(), "a component index");
        return word(HEADER_LEN);
    }

    // Members of structs and unions

    public int memberNameOffset(int i) {
        return word(member(i));
    }

    public int memberType(int i) {
        return word(member(i) + 4);
    }

    /** The member's offset in bits from the start of the struct or union. */
    public int memberBitOffset(int i) {
        int offset = word(member(i) + 8);
        return kindFlag() ? offset & 0xffffff : offset;
    }

    /** The width of a bitfield member, 0 for ordinary members. */
    public int memberBitfieldSize(int i) {
        int offset = word(member(i) + 8);
        return kindFlag() ? offset >>> 24 : 0;
    }

    private int member(int i) {
        expect(STRUCT, "members");
        return HEADER_LEN + 12 * Objects.checkIndex(i, vlen());
    }

    // Enumerators of enums and 64-bit enums

    public int enumeratorNameOffset(int i) {
        return word(enumerator(i));
    }

    /**
     * The enumerator's value, as {@link EnumValue#value()} has it: sign-extended for signed 32-bit enums, zero-extended
     * for unsigned ones.
     */
    public long enumeratorValue(int i) {
        int at = enumerator(i);
        if (kindValue() == Kind.ENUM64.wireValue()) {
            return Integer.toUnsignedLong(word(at + 4)) | (long) word(at + 8) << 32;
        }
        return kindFlag() ? word(at + 4) : Integer.toUnsignedLong(word(at + 4));
    }

    private int enumerator(int i) {
        expect(ENUM, "enumerators");
        return HEADER_LEN + (kindValue() == Kind.ENUM64.wireValue() ? 12 : 8) * Objects.checkIndex(i, vlen());
    }

    // Parameters of function prototypes

    public int paramNameOffset(int i) {
        return word(param(i));
    }

    public int paramType(int i) {
        return word(param(i) + 4);
    }

    private int param(int i) {
        expect(1 << Kind.FUNC_PROTO.wireValue(), "parameters");
        return HEADER_LEN + 8 * Objects.checkIndex(i, vlen());
    }

    // Variables of data sections

    public int varType(int i) {
        return word(var(i));
    }

    /** The variable's offset in the section. */
    public int varOffset(int i) {
        return word(var(i) + 4);
    }

    public int varSize(int i) {
        return word(var(i) + 8);
    }

    private int var(int i) {
        expect(1 << Kind.DATASEC.wireValue(), "variables");
        return HEADER_LEN + 12 * Objects.checkIndex(i, vlen());
    }

    private int kindValue() {
        return (word(4) >>> 24) & 0x7f;
    }

    private int word(int offset) {
        return Spec.readInt(data, pos + offset);
    }

    private void expect(int kinds, String what) {
        if ((kinds & 1 << kindValue()) == 0) {
            throw new IllegalStateException("BTF type id " + id + " is a " + kind() + ", which has no " + what);
        }
    }

    @Override
    public String toString() {
        return "[" + id + "] " + kind() + " '" + name() + "'";
    }
}
