package io.ebpf4j.btf;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles {@link Type}s into a BTF blob: types are numbered in the order they are {@link #add added}, then
 * everything they reference, each distinct object (by identity) once. {@link #marshal(MarshalOptions)} writes the
 * wire format, optionally sanitised for an older kernel.
 *
 * <p>Ids are stable: {@link #add} returns the id at once, and types reached only through references are numbered
 * after all explicitly added ones when first needed ({@link #id}, {@link #typeCount}, {@link #marshal}). Adding a
 * spec's types in id order ({@link #of(Spec)}) therefore reproduces the spec's ids. Not thread-safe.
 */
public final class Builder {
    /** Highest type id the kernel accepts ({@code BTF_MAX_TYPE}). */
    private static final int MAX_TYPE_ID = 0xfffff;
    private static final int MAX_VLEN = 0xffffff;

    private final Spec base;
    private final int firstId;
    private final List<Type> types = new ArrayList<>();
    private final Map<Type, Integer> ids = new IdentityHashMap<>();
    /** Types below this index have had their references numbered. */
    private int closed;
    private final Map<String, Integer> stringOffsets = new HashMap<>();
    private final Wire strings = new Wire(ByteOrder.LITTLE_ENDIAN, 256);

    /** A builder for standalone BTF (like a BPF object's {@code .BTF}). */
    public Builder() {
        this(null);
    }

    private Builder(Spec base) {
        this.base = base;
        this.firstId = base == null ? 1 : base.typeCount();
        stringOffsets.put("", 0);
        if (base == null) {
            strings.u8(0);
        }
    }

    /**
     * A builder for split BTF on top of {@code base} (like kernel module BTF): types inflated by the base are
     * referred to by their base ids instead of being written, and new ids start at {@code base.typeCount()}.
     */
    public static Builder split(Spec base) {
        return new Builder(base);
    }

    /** A builder holding all of {@code spec}'s own types under their ids in the spec (split on its base if any). */
    public static Builder of(Spec spec) {
        Builder b = new Builder(spec.base().orElse(null));
        spec.typeIds().forEach(id -> b.add(spec.typeById(id)));
        return b;
    }

    /** Adds a type (and, lazily, what it references) and returns its id; adding it again returns the same id. */
    public int add(Type type) {
        if (type == Void.INSTANCE) {
            return 0;
        }
        Integer id = ids.get(type);
        if (id != null) {
            return id;
        }
        if (base != null && base.contains(type)) {
            return base.typeId(type);
        }
        int newId = firstId + types.size();
        if (newId > MAX_TYPE_ID) {
            throw new IllegalStateException("more than " + MAX_TYPE_ID + " BTF types");
        }
        types.add(type);
        ids.put(type, newId);
        return newId;
    }

    /**
     * The id of a type that was added or is referenced by an added type.
     *
     * @throws IllegalArgumentException for other types
     */
    public int id(Type type) {
        if (type == Void.INSTANCE) {
            return 0;
        }
        closeReferences();
        Integer id = ids.get(type);
        if (id != null) {
            return id;
        }
        if (base != null && base.contains(type)) {
            return base.typeId(type);
        }
        throw new IllegalArgumentException("type " + type + " was not added to this BTF builder");
    }

    /** One more than the highest id, counting void and a base's types. */
    public int typeCount() {
        closeReferences();
        return firstId + types.size();
    }

    /**
     * Adds a string to the string section and returns its offset, e.g. a file name or source line that
     * {@code bpf_line_info} records refer to. Strings are stored once.
     */
    public int addString(String s) {
        Integer offset = stringOffsets.get(s);
        if (offset != null) {
            return offset;
        }
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("BTF strings cannot contain NUL: " + s);
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int newOffset = (base == null ? 0 : base.stringsEnd()) + strings.size();
        strings.bytes(bytes, 0, bytes.length).u8(0);
        stringOffsets.put(s, newOffset);
        return newOffset;
    }

    private void closeReferences() {
        while (closed < types.size()) {
            Refs.forEach(types.get(closed++), this::add);
        }
    }

    /** The blob in native byte order, every kind kept as is. */
    public byte[] marshal() {
        return marshal(MarshalOptions.DEFAULT);
    }

    /** The blob in the given byte order, with kinds the target lacks replaced by older equivalents. */
    public byte[] marshal(MarshalOptions options) {
        closeReferences();
        BtfFeatures features = options.features();
        Wire out = new Wire(options.order(), 64 + 24 * types.size());
        // Enum64 becomes a union whose members need some type: one byte-sized int added after all others.
        int placeholderId = 0;
        for (Type t : types) {
            if (t instanceof Enum64 && !features.enum64()) {
                placeholderId = firstId + types.size();
                break;
            }
        }
        for (Type t : types) {
            encode(t, out, features, placeholderId);
        }
        if (placeholderId != 0) {
            encodeInt(out, addString("enum64_placeholder"), 1, 0, 0, 8);
        }
        byte[] stringSection = strings.toByteArray();
        Wire blob = new Wire(options.order(), Spec.HEADER_LEN + out.size() + stringSection.length);
        blob.u16(Spec.MAGIC).u8(1).u8(0).u32(Spec.HEADER_LEN)
                .u32(0).u32(out.size()).u32(out.size()).u32(stringSection.length);
        byte[] typeSection = out.toByteArray();
        return blob.bytes(typeSection, 0, typeSection.length).bytes(stringSection, 0, stringSection.length)
                .toByteArray();
    }

    private void encode(Type t, Wire out, BtfFeatures f, int placeholderId) {
        switch (t.kind()) {
            case INT -> {
                Int i = (Int) t;
                encodeInt(out, addString(i.name()), i.size(), i.encoding().wireValue(), i.bitOffset(), i.bits());
            }
            case POINTER -> header(out, 0, Kind.POINTER, false, 0, id(((Pointer) t).target()));
            case ARRAY -> {
                Array a = (Array) t;
                header(out, 0, Kind.ARRAY, false, 0, 0);
                out.u32(id(a.element())).u32(id(a.index())).u32(a.length());
            }
            case STRUCT, UNION -> {
                Composite c = (Composite) t;
                boolean bitfields = c.members().stream().anyMatch(Member::isBitfield);
                header(out, addString(c.name()), c.kind(), bitfields, vlen(c.members().size(), t), c.size());
                for (Member m : c.members()) {
                    out.u32(addString(m.name())).u32(id(m.type())).u32(memberOffset(m, bitfields, c));
                }
            }
            case ENUM -> {
                Enum e = (Enum) t;
                header(out, addString(e.name()), Kind.ENUM, e.isSigned() && f.enum64(), vlen(e.values().size(), t),
                        e.size());
                for (EnumValue v : e.values()) {
                    if (v.value() < Integer.MIN_VALUE || v.value() > 0xffffffffL) {
                        throw new IllegalArgumentException("value " + v.value() + " of " + v.name() + " in "
                                + Types.describe(e) + " does not fit in 32 bits: use Enum64");
                    }
                    out.u32(addString(v.name())).u32((int) v.value());
                }
            }
            case ENUM64 -> {
                Enum64 e = (Enum64) t;
                int vlen = vlen(e.values().size(), t);
                if (f.enum64()) {
                    header(out, addString(e.name()), Kind.ENUM64, e.isSigned(), vlen, e.size());
                    for (EnumValue v : e.values()) {
                        out.u32(addString(v.name())).u32((int) v.value()).u32((int) (v.value() >>> 32));
                    }
                } else {
                    header(out, addString(e.name()), Kind.UNION, false, vlen, e.size());
                    for (EnumValue v : e.values()) {
                        out.u32(addString(v.name())).u32(placeholderId).u32(0);
                    }
                }
            }
            case FWD -> header(out, addString(t.name()), Kind.FWD, ((Fwd) t).target() == Fwd.Target.UNION, 0, 0);
            case TYPEDEF -> header(out, addString(t.name()), Kind.TYPEDEF, false, 0, id(((Typedef) t).type()));
            case VOLATILE, CONST, RESTRICT -> header(out, 0, t.kind(), false, 0, id(((Qualifier) t).type()));
            case TYPE_TAG -> {
                TypeTag tag = (TypeTag) t;
                if (f.typeTags()) {
                    header(out, addString(tag.name()), Kind.TYPE_TAG, tag.isAttribute(), 0, id(tag.type()));
                } else {
                    header(out, 0, Kind.CONST, false, 0, id(tag.type()));
                }
            }
            case FUNC -> {
                Func fn = (Func) t;
                if (!f.funcs()) {
                    header(out, addString(fn.name()), Kind.TYPEDEF, false, 0, id(fn.proto()));
                } else {
                    int linkage = f.globalFuncs() ? fn.linkage().wireValue() : Linkage.STATIC.wireValue();
                    header(out, addString(fn.name()), Kind.FUNC, false, linkage, id(fn.proto()));
                }
            }
            case FUNC_PROTO -> {
                FuncProto p = (FuncProto) t;
                int vlen = vlen(p.params().size(), t);
                if (f.funcs()) {
                    header(out, 0, Kind.FUNC_PROTO, false, vlen, id(p.returnType()));
                } else {
                    header(out, 0, Kind.ENUM, false, vlen, 4);
                }
                for (Param param : p.params()) {
                    out.u32(addString(param.name())).u32(id(param.type()));
                }
            }
            case VAR -> {
                Var v = (Var) t;
                if (f.datasec()) {
                    header(out, addString(v.name()), Kind.VAR, false, 0, id(v.type()));
                    out.u32(v.linkage().wireValue());
                } else {
                    encodeInt(out, addString(v.name()), 1, 0, 0, 8);
                }
            }
            case DATASEC -> {
                Datasec d = (Datasec) t;
                int vlen = vlen(d.vars().size(), t);
                if (f.datasec()) {
                    String name = !f.qmarkDatasec() && d.name().startsWith("?")
                            ? "_" + d.name().substring(1) : d.name();
                    header(out, addString(name), Kind.DATASEC, false, vlen, d.size());
                    for (VarSecinfo v : d.vars()) {
                        out.u32(id(v.type())).u32(v.offset()).u32(v.size());
                    }
                } else {
                    String name = d.name().replace('.', '_').replace('?', '_');
                    header(out, addString(name), Kind.STRUCT, false, vlen, d.size());
                    for (VarSecinfo v : d.vars()) {
                        if (Integer.toUnsignedLong(v.offset()) * 8 > 0xffffffffL) {
                            throw new IllegalArgumentException("variable offset " + v.offset() + " in " + d.name()
                                    + " too large for a struct member");
                        }
                        out.u32(addString(v.type().name())).u32(id(v.type())).u32(v.offset() * 8);
                    }
                }
            }
            case FLOAT -> {
                Float fl = (Float) t;
                if (f.floats()) {
                    header(out, addString(fl.name()), Kind.FLOAT, false, 0, fl.size());
                } else {
                    header(out, 0, Kind.STRUCT, false, 0, fl.size());
                }
            }
            case DECL_TAG -> {
                DeclTag tag = (DeclTag) t;
                if (f.declTags()) {
                    header(out, addString(tag.name()), Kind.DECL_TAG, tag.isAttribute(), 0, id(tag.type()));
                    out.u32(tag.componentIndex());
                } else {
                    encodeInt(out, addString(tag.name()), 1, 0, 0, 8);
                }
            }
            case VOID -> throw new IllegalStateException("void is never added");
        }
    }

    private static void header(Wire out, int nameOff, Kind kind, boolean kindFlag, int vlen, int sizeOrType) {
        out.u32(nameOff).u32((kindFlag ? 1 << 31 : 0) | kind.wireValue() << 24 | vlen).u32(sizeOrType);
    }

    private static void encodeInt(Wire out, int nameOff, int size, int encoding, int bitOffset, int bits) {
        header(out, nameOff, Kind.INT, false, 0, size);
        out.u32(encoding << 24 | (bitOffset & 0xff) << 16 | (bits & 0xff));
    }

    private static int vlen(int count, Type t) {
        if (count > MAX_VLEN) {
            throw new IllegalArgumentException(Types.describe(t) + " has " + count + " entries, more than BTF's "
                    + MAX_VLEN);
        }
        return count;
    }

    private static int memberOffset(Member m, boolean bitfields, Composite c) {
        if (!bitfields) {
            return m.bitOffset();
        }
        if (m.bitOffset() < 0 || m.bitOffset() > 0xffffff || m.bitfieldSize() < 0 || m.bitfieldSize() > 0xff) {
            throw new IllegalArgumentException("member " + m.name() + " of " + Types.describe(c)
                    + ": bit offset " + m.bitOffset() + " or bitfield size " + m.bitfieldSize()
                    + " does not fit the bitfield encoding (24 and 8 bits)");
        }
        return m.bitfieldSize() << 24 | m.bitOffset();
    }
}
