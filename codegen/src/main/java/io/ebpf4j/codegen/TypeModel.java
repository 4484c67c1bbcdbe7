package io.ebpf4j.codegen;

import io.ebpf4j.btf.Array;
import io.ebpf4j.btf.Composite;
import io.ebpf4j.btf.Enumeration;
import io.ebpf4j.btf.Float;
import io.ebpf4j.btf.Int;
import io.ebpf4j.btf.Member;
import io.ebpf4j.btf.Pointer;
import io.ebpf4j.btf.Qualifier;
import io.ebpf4j.btf.Type;
import io.ebpf4j.btf.Typedef;
import io.ebpf4j.btf.Types;
import io.ebpf4j.btf.Union;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Java types for a set of BTF types: each struct, union and enum reached becomes one declaration (a record or
 * a Java enum), declared once however often it is referenced. Named after the C tag, or the typedef of an anonymous
 * one, or the member holding it.
 */
final class TypeModel {
    /** A struct or union member as a record component. */
    record Field(String name, JavaType type, int byteOffset, int bitInByte, int bits, boolean encoded) {
        boolean isBitfield() {
            return bits != 0;
        }
    }

    /** A generated declaration. */
    sealed interface Declaration {
        String name();

        Type btf();
    }

    record RecordDecl(String name, Composite btf, List<Field> fields) implements Declaration {}

    record EnumDecl(String name, Enumeration btf, JavaType.Scalar storage) implements Declaration {}

    private final Map<Type, JavaType> declared = new IdentityHashMap<>();
    private final Set<String> usedNames;
    private final List<Declaration> declarations = new ArrayList<>();

    TypeModel(Set<String> reservedNames) {
        this.usedNames = new HashSet<>(reservedNames);
    }

    List<Declaration> declarations() {
        return declarations;
    }

    /** The Java type of {@code type}; {@code context} names an anonymous struct, union or enum. */
    JavaType javaType(Type type, String context) {
        Type u = Types.underlying(type);
        if (u instanceof Int i) {
            if (i.encoding() == Int.Encoding.BOOL && i.size() == 1) {
                return JavaType.Scalar.ofBool();
            }
            return switch (i.size()) {
                case 1, 2, 4, 8 -> JavaType.Scalar.ofInt(i.size(), i.isSigned());
                default -> new JavaType.Bytes(i.size()); // __int128
            };
        }
        if (u instanceof Float f) {
            return f.size() == 4 || f.size() == 8 ? JavaType.Scalar.ofFloat(f.size()) : new JavaType.Bytes(f.size());
        }
        if (u instanceof Pointer) {
            return JavaType.Scalar.ofInt(Types.POINTER_SIZE, false);
        }
        if (u instanceof Enumeration e) {
            return declared.computeIfAbsent(u, k -> declareEnum(e, name(type, context)));
        }
        if (u instanceof Composite c) {
            JavaType existing = declared.get(u);
            if (existing != null) {
                return existing;
            }
            JavaType.RecordRef ref = new JavaType.RecordRef(unique(name(type, context)));
            declared.put(u, ref); // before the members, which may refer back through pointers
            declarations.add(new RecordDecl(ref.name(), c, fields(c, ref.name())));
            return ref;
        }
        if (u instanceof Array a) {
            Type element = Types.underlying(a.element());
            int elementSize = (int) Types.sizeof(element);
            if (elementSize == 1 && element instanceof Int i && i.encoding() != Int.Encoding.BOOL) {
                // Only plain char is text: unsigned char / __u8 arrays are data (addresses, hashes).
                return i.name().equals("char") || i.encoding() == Int.Encoding.CHAR
                        ? new JavaType.Text(a.length()) : new JavaType.Bytes(a.length());
            }
            if (a.length() == 0) {
                return new JavaType.Bytes(0); // a flexible array member: no bytes of its own
            }
            return new JavaType.ArrayOf(javaType(a.element(), context), a.length(), elementSize);
        }
        throw new IllegalArgumentException("no Java type for " + Types.describe(type));
    }

    private JavaType declareEnum(Enumeration e, String name) {
        JavaType.Scalar storage = JavaType.Scalar.ofInt(e.size(), e.isSigned());
        JavaType.EnumRef ref = new JavaType.EnumRef(unique(name), storage);
        declarations.add(new EnumDecl(ref.name(), e, storage));
        return ref;
    }

    private List<Field> fields(Composite c, String recordName) {
        List<Field> fields = new ArrayList<>();
        Set<String> names = new HashSet<>(Set.of("SIZE", "CODEC"));
        addFields(c, 0, true, recordName, fields, names);
        return fields;
    }

    /**
     * Members of {@code c} at {@code bitBase}, with anonymous nested structs and unions flattened into the record
     * as C flattens them. A union's members overlap, so only its first member is written (C's rule for
     * initialising a union); the others are read-only views.
     */
    private void addFields(Composite c, long bitBase, boolean encoded, String recordName, List<Field> out,
            Set<String> names) {
        boolean union = c instanceof Union;
        for (int index = 0; index < c.members().size(); index++) {
            Member m = c.members().get(index);
            long bit = bitBase + Integer.toUnsignedLong(m.bitOffset());
            boolean memberEncoded = encoded && (!union || index == 0);
            if (m.name().isEmpty() && Types.underlying(m.type()) instanceof Composite anonymous) {
                addFields(anonymous, bit, memberEncoded, recordName, out, names);
                continue;
            }
            String name = Names.member(m.name().isEmpty() ? "member" + index : m.name());
            while (!names.add(name)) {
                name = name + "_";
            }
            JavaType type = javaType(m.type(), recordName + Names.type(m.name().isEmpty() ? "member" : m.name()));
            if (m.isBitfield()) {
                if (!(type instanceof JavaType.Scalar || type instanceof JavaType.EnumRef)) {
                    throw new IllegalArgumentException("bitfield '" + m.name() + "' of " + Types.describe(c)
                            + " is not an integer or enum");
                }
                if (bit % 8 + m.bitfieldSize() > 64) {
                    throw new IllegalArgumentException("bitfield '" + m.name() + "' of " + Types.describe(c)
                            + " spans more than 8 bytes");
                }
                out.add(new Field(name, type, (int) (bit / 8), (int) (bit % 8), m.bitfieldSize(), memberEncoded));
            } else {
                out.add(new Field(name, type, (int) (bit / 8), 0, 0, memberEncoded));
            }
        }
    }

    /** The C tag, else the name of the nearest typedef, else the context. */
    private static String name(Type type, String context) {
        Type t = type;
        String typedef = null;
        while (t instanceof Typedef || t instanceof Qualifier) {
            if (t instanceof Typedef td && typedef == null) {
                typedef = td.name();
            }
            t = t instanceof Typedef td ? td.type() : ((Qualifier) t).type();
        }
        if (!t.name().isEmpty()) {
            return Names.type(t.name());
        }
        return typedef != null ? Names.type(typedef) : context;
    }

    private String unique(String name) {
        String candidate = name;
        for (int i = 2; !usedNames.add(candidate); i++) {
            candidate = name + i;
        }
        return candidate;
    }
}
