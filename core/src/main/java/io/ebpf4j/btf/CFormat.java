package io.ebpf4j.btf;

import java.util.ArrayList;
import java.util.List;

/**
 * C declarations for types. Declarators are built inside-out by walking from the declared type towards its base
 * type (pointers prepend {@code *}, arrays and prototypes append), which is how C syntax nests. Walks are bounded:
 * a hop limit for reference chains and a depth limit for prototypes nested in parameters.
 */
final class CFormat {
    private static final int MAX_HOPS = 256;
    private static final int MAX_NESTING = 8;

    private CFormat() {}

    static String describe(Type type) {
        return switch (type.kind()) {
            case FUNC -> funcDeclaration((Func) type, 0);
            case VAR -> declaration(((Var) type).type(), type.name(), 0);
            case DATASEC -> "datasec " + type.name();
            case DECL_TAG -> declTag((DeclTag) type);
            default -> declaration(type, "", 0);
        };
    }

    static String definition(Type type) {
        StringBuilder out = new StringBuilder();
        switch (type.kind()) {
            case STRUCT, UNION -> {
                Composite c = (Composite) type;
                out.append(keyword(c)).append(c.name().isEmpty() ? "" : " " + c.name()).append(" {\n");
                for (Member m : c.members()) {
                    out.append('\t').append(declaration(m.type(), m.name(), 0));
                    if (m.isBitfield()) {
                        out.append(": ").append(m.bitfieldSize());
                    }
                    out.append(";\n");
                }
                out.append('}');
            }
            case ENUM, ENUM64 -> {
                Enumeration e = (Enumeration) type;
                out.append("enum").append(e.name().isEmpty() ? "" : " " + e.name()).append(" {\n");
                for (EnumValue v : e.values()) {
                    out.append('\t').append(v.name()).append(" = ")
                            .append(e.isSigned() ? Long.toString(v.value()) : Long.toUnsignedString(v.value()))
                            .append(",\n");
                }
                out.append('}');
            }
            case TYPEDEF -> out.append("typedef ").append(declaration(((Typedef) type).type(), type.name(), 0));
            case FUNC -> {
                Func f = (Func) type;
                out.append(f.linkage() == Linkage.STATIC ? "static " : f.linkage() == Linkage.EXTERN ? "extern " : "")
                        .append(funcDeclaration(f, 0));
            }
            case VAR -> {
                Var v = (Var) type;
                out.append(v.linkage() == Linkage.STATIC ? "static " : v.linkage() == Linkage.EXTERN ? "extern " : "")
                        .append(declaration(v.type(), v.name(), 0));
            }
            case DATASEC -> {
                Datasec d = (Datasec) type;
                out.append("datasec ").append(d.name()).append(" (size ").append(Integer.toUnsignedString(d.size()))
                        .append(") {\n");
                for (VarSecinfo v : d.vars()) {
                    out.append('\t').append(describe(v.type())).append("; /* offset ")
                            .append(Integer.toUnsignedString(v.offset())).append(", size ")
                            .append(Integer.toUnsignedString(v.size())).append(" */\n");
                }
                out.append('}');
            }
            default -> out.append(describe(type));
        }
        return out.toString();
    }

    private static String keyword(Type composite) {
        return composite.kind() == Kind.UNION ? "union" : "struct";
    }

    private static String declTag(DeclTag tag) {
        String target = tag.type() instanceof Func f ? f.name() : describe(tag.type());
        return "__attribute__((btf_decl_tag(\"" + tag.name() + "\"))) on " + target
                + (tag.componentIndex() >= 0 ? " component " + tag.componentIndex() : "");
    }

    private static String funcDeclaration(Func f, int nesting) {
        FuncProto proto = f.proto();
        return proto == null ? "func " + f.name() : declaration(proto, f.name(), nesting);
    }

    /** The C declaration of {@code name} with type {@code type}; with an empty name, the type's C spelling. */
    static String declaration(Type type, String name, int nesting) {
        String declarator = name;
        StringBuilder baseQualifiers = new StringBuilder();
        Type t = type;
        for (int hops = 0; ; hops++) {
            if (t == null) {
                return "<unset> " + declarator;
            }
            if (hops > MAX_HOPS) {
                return "... " + declarator;
            }
            switch (t.kind()) {
                case POINTER -> {
                    Type target = ((Pointer) t).target();
                    Type shown = skipQualifiersBounded(target);
                    declarator = shown instanceof Array || shown instanceof FuncProto
                            ? "(*" + declarator + ")"
                            : "*" + declarator;
                    t = target;
                }
                case ARRAY -> {
                    Array a = (Array) t;
                    declarator = declarator + "[" + Integer.toUnsignedString(a.length()) + "]";
                    t = a.element();
                }
                case FUNC_PROTO -> {
                    FuncProto p = (FuncProto) t;
                    declarator = declarator + "(" + parameters(p, nesting) + ")";
                    t = p.returnType();
                }
                case CONST, VOLATILE, RESTRICT, TYPE_TAG -> {
                    Qualifier q = (Qualifier) t;
                    String word = qualifierWord(q);
                    if (skipQualifiersBounded(q.type()) instanceof Pointer) {
                        declarator = declarator.isEmpty() ? word : word + " " + declarator;
                    } else {
                        baseQualifiers.append(word).append(' ');
                    }
                    t = q.type();
                }
                default -> {
                    String base = baseQualifiers + baseName(t);
                    if (declarator.isEmpty()) {
                        return base;
                    }
                    return base + " " + declarator;
                }
            }
        }
    }

    private static Type skipQualifiersBounded(Type type) {
        Type t = type;
        for (int hops = 0; t instanceof Qualifier q && hops < MAX_HOPS; hops++) {
            t = q.type();
        }
        return t;
    }

    private static String qualifierWord(Qualifier q) {
        return switch (q.kind()) {
            case CONST -> "const";
            case VOLATILE -> "volatile";
            case RESTRICT -> "restrict";
            default -> ((TypeTag) q).isAttribute()
                    ? "__attribute__((" + q.name() + "))"
                    : "__attribute__((btf_type_tag(\"" + q.name() + "\")))";
        };
    }

    private static String parameters(FuncProto proto, int nesting) {
        if (proto.params().isEmpty()) {
            return "void";
        }
        if (nesting >= MAX_NESTING) {
            return "...";
        }
        List<String> params = new ArrayList<>(proto.params().size());
        for (Param p : proto.params()) {
            params.add(p.type() == Void.INSTANCE ? "..." : declaration(p.type(), p.name(), nesting + 1));
        }
        return String.join(", ", params);
    }

    private static String baseName(Type t) {
        String name = t.name();
        return switch (t.kind()) {
            case VOID -> "void";
            case STRUCT, UNION -> keyword(t) + " " + (name.isEmpty() ? "{...}" : name);
            case ENUM, ENUM64 -> "enum " + (name.isEmpty() ? "{...}" : name);
            case FWD -> (((Fwd) t).target() == Fwd.Target.UNION ? "union " : "struct ") + name;
            default -> name.isEmpty() ? "<anonymous " + t.kind().name().toLowerCase() + ">" : name;
        };
    }
}
