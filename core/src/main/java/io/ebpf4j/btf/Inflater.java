package io.ebpf4j.btf;

import io.ebpf4j.BtfFormatException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;

import static io.ebpf4j.btf.Spec.TYPE_HEADER_LEN;
import static io.ebpf4j.btf.Spec.readInt;

/**
 * The inflated types of one {@link Spec}: creates {@link Type} objects from the raw records on first use, together
 * with everything they reference, and remembers them by index and by identity. Types are created iteratively, never
 * recursively, because reference chains in vmlinux are thousands deep. Kind-specific rules and typedef/qualifier
 * cycles are checked here, as types are created; parsing has already checked that records and references are in
 * range. Not thread-safe: the spec calls it under its lock.
 */
final class Inflater {
    private final Spec spec;
    /** The spec's blob, little-endian. */
    private final byte[] data;
    /** Absolute byte offset in {@link #data} of each own type of the spec, indexed by {@code id - firstId}. */
    private final int[] offsets;
    private final int firstId;
    private final Type[] cache;
    private final IdentityHashMap<Type, Integer> ids = new IdentityHashMap<>();

    /** Own type indexes whose shells still need their references filled in. */
    private int[] pending = new int[16];
    private int pendingCount;
    /** Types created by the inflation under way, forgotten again if it fails; null between inflations. */
    private List<Type> created;

    Inflater(Spec spec, byte[] data, int[] offsets, int firstId, int count) {
        this.spec = spec;
        this.data = data;
        this.offsets = offsets;
        this.firstId = firstId;
        this.cache = new Type[count];
    }

    /** The type at own index {@code index}, inflated with everything it references on first use. */
    Type type(int index) {
        Type cached = cache[index];
        return cached != null ? cached : inflate(index);
    }

    /** The id of a type this inflater created, or -1. */
    int idOf(Type type) {
        Integer id = ids.get(type);
        return id == null ? -1 : id;
    }

    private Type inflate(int index) {
        created = new ArrayList<>();
        try {
            Type root = shell(index);
            while (pendingCount > 0) {
                fill(pending[--pendingCount]);
            }
            return root;
        } catch (RuntimeException e) {
            // Leave no half-built types behind: the next lookup fails the same way.
            pendingCount = 0;
            for (Type t : created) {
                cache[ids.remove(t) - firstId] = null;
            }
            throw e;
        } finally {
            created = null; // a whole kernel's worth after a full walk: not kept past the inflation
        }
    }

    /** The type whose id is stored at {@code at} (in range, checked by parsing): cached, or a new shell. */
    private Type ref(int at) {
        int id = readInt(data, at);
        if (id < firstId) {
            return spec.typeById(id);
        }
        Type t = cache[id - firstId];
        return t != null ? t : shell(id - firstId);
    }

    /** The string whose offset is stored at {@code at} (in range, checked by parsing). */
    private String name(int at) {
        return spec.string(readInt(data, at));
    }

    private Type shell(int index) {
        int pos = offsets[index];
        int info = readInt(data, pos + 4);
        int vlen = info & 0xffffff;
        boolean kflag = info < 0;
        int size = readInt(data, pos + 8);
        String name = spec.string(readInt(data, pos));
        int body = pos + TYPE_HEADER_LEN;
        if (chainNext(index) >= 0) {
            checkChain(index);
        }
        Type t = switch ((info >>> 24) & 0x7f) {
            case 1 -> intType(name, size, readInt(data, body), pos);
            case 2 -> new Pointer();
            case 3 -> new Array(readInt(data, body + 8));
            case 4 -> new Struct(name, size, vlen);
            case 5 -> new Union(name, size, vlen);
            case 6 -> enumType(name, size, kflag, vlen, body);
            case 7 -> new Fwd(name, kflag ? Fwd.Target.UNION : Fwd.Target.STRUCT);
            case 8 -> new Typedef(name);
            case 9 -> new Volatile();
            case 10 -> new Const();
            case 11 -> new Restrict();
            case 12 -> new Func(name, linkage(vlen, pos + 4));
            case 13 -> new FuncProto(vlen);
            case 14 -> new Var(name, linkage(readInt(data, body), body));
            case 15 -> new Datasec(name, size, vlen);
            case 16 -> new Float(name, size);
            case 17 -> declTag(name, readInt(data, body), kflag, body);
            case 18 -> new TypeTag(name, kflag);
            case 19 -> enum64Type(name, size, kflag, vlen, body);
            default -> throw new IllegalStateException("kind validated by parsing");
        };
        cache[index] = t;
        ids.put(t, firstId + index);
        created.add(t);
        if (pendingCount == pending.length) {
            pending = Arrays.copyOf(pending, pendingCount * 2);
        }
        pending[pendingCount++] = index;
        return t;
    }

    private void fill(int index) {
        Type t = cache[index];
        int pos = offsets[index];
        int vlen = readInt(data, pos + 4) & 0xffffff;
        int typeField = pos + 8;
        int body = pos + TYPE_HEADER_LEN;
        switch (t.kind()) {
            case POINTER -> ((Pointer) t).setTarget(ref(typeField));
            case ARRAY -> {
                Array a = (Array) t;
                a.setElement(ref(body));
                a.setIndex(ref(body + 4));
            }
            case STRUCT, UNION -> {
                boolean kflag = readInt(data, pos + 4) < 0;
                List<Member> members = ((Composite) t).members();
                for (int m = body, stop = body + 12 * vlen; m < stop; m += 12) {
                    int offset = readInt(data, m + 8);
                    members.add(new Member(name(m), ref(m + 4),
                            kflag ? offset & 0xffffff : offset, kflag ? offset >>> 24 : 0));
                }
            }
            case TYPEDEF -> ((Typedef) t).setType(ref(typeField));
            case VOLATILE, CONST, RESTRICT, TYPE_TAG -> ((Qualifier) t).setType(ref(typeField));
            case FUNC -> {
                Type proto = ref(typeField);
                if (!(proto instanceof FuncProto fp)) {
                    throw new BtfFormatException("BTF func '" + t.name() + "' (id " + (firstId + index)
                            + ") must refer to a FUNC_PROTO, not " + proto.kind(), typeField);
                }
                ((Func) t).setProto(fp);
            }
            case FUNC_PROTO -> {
                FuncProto fp = (FuncProto) t;
                fp.setReturnType(ref(typeField));
                for (int m = body, stop = body + 8 * vlen; m < stop; m += 8) {
                    fp.params().add(new Param(name(m), ref(m + 4)));
                }
            }
            case VAR -> ((Var) t).setType(ref(typeField));
            case DATASEC -> {
                List<VarSecinfo> vars = ((Datasec) t).vars();
                for (int m = body, stop = body + 12 * vlen; m < stop; m += 12) {
                    vars.add(new VarSecinfo(ref(m), readInt(data, m + 4), readInt(data, m + 8)));
                }
            }
            case DECL_TAG -> ((DeclTag) t).setType(ref(typeField));
            default -> {
                // INT, ENUM, ENUM64, FWD, FLOAT: complete after shell()
            }
        }
    }

    private Int intType(String name, int size, int word, int pos) {
        Int.Encoding encoding = Int.Encoding.ofWireValue((word >>> 24) & 0x0f);
        int bitOffset = (word >>> 16) & 0xff;
        int bits = word & 0xff;
        if (encoding == null || (word & 0xf000ff00) != 0) {
            throw new BtfFormatException("BTF int '" + name + "' has an invalid encoding word 0x"
                    + Integer.toHexString(word), pos + TYPE_HEADER_LEN);
        }
        if (size != 1 && size != 2 && size != 4 && size != 8 && size != 16) {
            throw new BtfFormatException("BTF int '" + name + "' has invalid size " + Integer.toUnsignedString(size),
                    pos + 8);
        }
        if (bits == 0 || bitOffset + bits > size * 8) {
            throw new BtfFormatException("BTF int '" + name + "': " + bits + " bits at bit offset " + bitOffset
                    + " do not fit in " + size + " bytes", pos + TYPE_HEADER_LEN);
        }
        return new Int(name, size, encoding, bitOffset, bits);
    }

    private Enum enumType(String name, int size, boolean signed, int vlen, int body) {
        List<EnumValue> values = new ArrayList<>(vlen);
        for (int m = body, stop = body + 8 * vlen; m < stop; m += 8) {
            int v = readInt(data, m + 4);
            values.add(new EnumValue(name(m), signed ? v : Integer.toUnsignedLong(v)));
        }
        return new Enum(name, size, signed, values);
    }

    private Enum64 enum64Type(String name, int size, boolean signed, int vlen, int body) {
        List<EnumValue> values = new ArrayList<>(vlen);
        for (int m = body, stop = body + 12 * vlen; m < stop; m += 12) {
            long v = Integer.toUnsignedLong(readInt(data, m + 4)) | (long) readInt(data, m + 8) << 32;
            values.add(new EnumValue(name(m), v));
        }
        return new Enum64(name, size, signed, values);
    }

    private DeclTag declTag(String value, int componentIndex, boolean attribute, int at) {
        if (componentIndex < -1) {
            throw new BtfFormatException("BTF decl tag '" + value + "' has invalid component index "
                    + componentIndex, at);
        }
        return new DeclTag(value, componentIndex, attribute);
    }

    private Linkage linkage(int value, int at) {
        Linkage linkage = Linkage.ofWireValue(value);
        if (linkage == null) {
            throw new BtfFormatException("invalid BTF linkage " + Integer.toUnsignedString(value), at);
        }
        return linkage;
    }

    /**
     * Rejects a chain of single-reference kinds (typedef, qualifiers, pointer, array element, var, decl tag, func)
     * that does not end within {@link Types#MAX_CHAIN} hops: every legal cycle passes through a struct, union or
     * function prototype, and the kernel refuses chains deeper than 32. Without this check, resolving a typedef or
     * computing a size would never end.
     */
    private void checkChain(int index) {
        int j = index;
        for (int hops = 0; j >= 0; hops++) {
            if (hops > Types.MAX_CHAIN) {
                throw new BtfFormatException("BTF type id " + (firstId + index) + " starts a chain of typedefs, "
                        + "qualifiers, pointers or arrays that does not end (a cycle)", offsets[index]);
            }
            j = chainNext(j);
        }
    }

    /** Index of the own type that type index {@code i} stands for through its single reference, or -1. */
    private int chainNext(int i) {
        int pos = offsets[i];
        int ref;
        switch ((readInt(data, pos + 4) >>> 24) & 0x7f) {
            case 2, 8, 9, 10, 11, 12, 14, 17, 18 -> ref = readInt(data, pos + 8);
            case 3 -> ref = readInt(data, pos + TYPE_HEADER_LEN);
            default -> {
                return -1;
            }
        }
        return ref >= firstId ? ref - firstId : -1;
    }
}
