package io.ebpf4j.btf;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** The direct references of each kind, in wire order: the one place that knows which fields point to other types. */
final class Refs {
    private Refs() {}

    static void forEach(Type type, Consumer<Type> action) {
        replace(type, t -> {
            action.accept(t);
            return t;
        });
    }

    /** Replaces every direct reference of {@code type} by {@code mapping}'s result (which may be the same type). */
    static void replace(Type type, UnaryOperator<Type> mapping) {
        switch (type.kind()) {
            case POINTER -> {
                Pointer p = (Pointer) type;
                p.setTarget(mapping.apply(p.target()));
            }
            case ARRAY -> {
                Array a = (Array) type;
                a.setElement(mapping.apply(a.element()));
                a.setIndex(mapping.apply(a.index()));
            }
            case STRUCT, UNION -> {
                List<Member> members = ((Composite) type).members();
                for (int i = 0; i < members.size(); i++) {
                    Member m = members.get(i);
                    Type replacement = mapping.apply(m.type());
                    if (replacement != m.type()) {
                        members.set(i, m.withType(replacement));
                    }
                }
            }
            case TYPEDEF -> {
                Typedef t = (Typedef) type;
                t.setType(mapping.apply(t.type()));
            }
            case VOLATILE, CONST, RESTRICT, TYPE_TAG -> {
                Qualifier q = (Qualifier) type;
                q.setType(mapping.apply(q.type()));
            }
            case FUNC -> {
                Func f = (Func) type;
                Type proto = mapping.apply(f.proto());
                if (!(proto instanceof FuncProto fp)) {
                    throw new IllegalArgumentException("func " + f.name() + " must refer to a FuncProto, not "
                            + proto.kind());
                }
                f.setProto(fp);
            }
            case FUNC_PROTO -> {
                FuncProto fp = (FuncProto) type;
                fp.setReturnType(mapping.apply(fp.returnType()));
                List<Param> params = fp.params();
                for (int i = 0; i < params.size(); i++) {
                    Param p = params.get(i);
                    Type replacement = mapping.apply(p.type());
                    if (replacement != p.type()) {
                        params.set(i, p.withType(replacement));
                    }
                }
            }
            case VAR -> {
                Var v = (Var) type;
                v.setType(mapping.apply(v.type()));
            }
            case DATASEC -> {
                List<VarSecinfo> vars = ((Datasec) type).vars();
                for (int i = 0; i < vars.size(); i++) {
                    VarSecinfo v = vars.get(i);
                    Type replacement = mapping.apply(v.type());
                    if (replacement != v.type()) {
                        vars.set(i, v.withType(replacement));
                    }
                }
            }
            case DECL_TAG -> {
                DeclTag d = (DeclTag) type;
                d.setType(mapping.apply(d.type()));
            }
            case VOID, INT, ENUM, ENUM64, FWD, FLOAT -> {
                // no references
            }
        }
    }
}
