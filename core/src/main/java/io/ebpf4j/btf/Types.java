package io.ebpf4j.btf;

import io.ebpf4j.BpfException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Queries over {@link Type} graphs: sizes and alignment, qualifier and typedef resolution, member lookup, structural
 * comparison and copying, and C-like formatting. Every walk is bounded or keeps a visited set, so cyclic and even
 * malformed hand-built graphs end with an exception instead of a hang or a stack overflow.
 */
public final class Types {
    /** Longest chain of typedefs, qualifiers and arrays followed before giving up (the kernel allows 32). */
    static final int MAX_CHAIN = 64;
    /** Size of a pointer on BPF's 64-bit targets. */
    public static final int POINTER_SIZE = 8;

    private Types() {}

    /** Looks through {@link Qualifier}s: const, volatile, restrict and type tags. */
    public static Type skipQualifiers(Type type) {
        Type t = type;
        for (int i = 0; t instanceof Qualifier q; i++) {
            checkChain(i, type);
            t = q.type();
        }
        return t;
    }

    /** Looks through qualifiers and typedefs, to the type that determines layout and meaning. */
    public static Type underlying(Type type) {
        Type t = type;
        for (int i = 0; ; i++) {
            checkChain(i, type);
            if (t instanceof Qualifier q) {
                t = q.type();
            } else if (t instanceof Typedef td) {
                t = td.type();
            } else {
                return t;
            }
        }
    }

    private static void checkChain(int hops, Type start) {
        if (hops > MAX_CHAIN) {
            throw new BpfException("type chain from " + describe(start) + " is longer than " + MAX_CHAIN
                    + " typedefs, qualifiers or arrays: a cycle?");
        }
    }

    /**
     * Size in bytes: typedefs and qualifiers are resolved, arrays multiply, pointers are {@value #POINTER_SIZE}
     * bytes, a {@link Var} has the size of its type.
     *
     * @throws BpfException for types without a size (void, functions, forward declarations, tags) and for sizes
     *     that overflow
     */
    public static long sizeof(Type type) {
        long multiplier = 1;
        Type t = type;
        for (int i = 0; ; i++) {
            checkChain(i, type);
            long size;
            switch (t.kind()) {
                case INT -> size = Integer.toUnsignedLong(((Int) t).size());
                case ENUM, ENUM64 -> size = Integer.toUnsignedLong(((Enumeration) t).size());
                case STRUCT, UNION -> size = Integer.toUnsignedLong(((Composite) t).size());
                case FLOAT -> size = Integer.toUnsignedLong(((Float) t).size());
                case DATASEC -> size = Integer.toUnsignedLong(((Datasec) t).size());
                case POINTER -> size = POINTER_SIZE;
                case TYPEDEF -> {
                    t = ((Typedef) t).type();
                    continue;
                }
                case VOLATILE, CONST, RESTRICT, TYPE_TAG -> {
                    t = ((Qualifier) t).type();
                    continue;
                }
                case VAR -> {
                    t = ((Var) t).type();
                    continue;
                }
                case ARRAY -> {
                    Array a = (Array) t;
                    multiplier = multiplyExact(multiplier, Integer.toUnsignedLong(a.length()), type);
                    t = a.element();
                    continue;
                }
                default -> throw new BpfException("type " + describe(type) + " has no size ("
                        + (t == type ? "" : describe(t) + " is ") + t.kind() + ")");
            }
            return multiplyExact(multiplier, size, type);
        }
    }

    private static long multiplyExact(long a, long b, Type type) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new BpfException("size of " + describe(type) + " overflows");
        }
    }

    /**
     * Alignment in bytes, computed like libbpf's {@code btf__align_of}: scalars align to their size (at most 8),
     * arrays to their element, structs and unions to their most aligned member, or 1 when packed.
     */
    public static int alignof(Type type) {
        Type t = underlying(type);
        switch (t.kind()) {
            case INT, ENUM, ENUM64, FLOAT, POINTER -> {
                return (int) Math.min(sizeof(t), POINTER_SIZE);
            }
            case ARRAY -> {
                Type element = t;
                for (int i = 0; element instanceof Array a; i++) {
                    checkChain(i, type);
                    element = underlying(a.element());
                }
                return alignof(element);
            }
            case STRUCT, UNION -> {
                // Members are composites at most as often as the type nests; the walk is bounded by MAX_CHAIN.
                return compositeAlignment((Composite) t, 0);
            }
            default -> throw new BpfException("type " + describe(type) + " has no alignment (" + t.kind() + ")");
        }
    }

    private static int compositeAlignment(Composite c, int depth) {
        checkChain(depth, c);
        int max = 1;
        for (Member m : c.members()) {
            Type mt = underlying(m.type());
            int align;
            if (mt instanceof Composite nested) {
                align = compositeAlignment(nested, depth + 1);
            } else if (mt instanceof Array) {
                Type element = mt;
                for (int i = 0; element instanceof Array a; i++) {
                    checkChain(i, c);
                    element = underlying(a.element());
                }
                align = element instanceof Composite nested ? compositeAlignment(nested, depth + 1) : alignof(element);
            } else {
                align = alignof(mt);
            }
            if (!m.isBitfield() && m.bitOffset() % (8 * align) != 0) {
                return 1; // a misaligned member: the struct is packed
            }
            max = Math.max(max, align);
        }
        if (Integer.toUnsignedLong(c.size()) % max != 0) {
            return 1;
        }
        return max;
    }

    /**
     * A member found by name, possibly inside anonymous structs and unions.
     *
     * @param path the members from the searched type down to the found one (anonymous ones first)
     * @param bitOffset the found member's bit offset from the start of the searched type
     */
    public record MemberRef(List<Member> path, long bitOffset) {
        public MemberRef {
            path = List.copyOf(path);
        }

        /** The member that carries the name. */
        public Member member() {
            return path.get(path.size() - 1);
        }

        public Type type() {
            return member().type();
        }
    }

    /**
     * Finds a member by name in a struct or union (typedefs and qualifiers resolved), searching anonymous nested
     * structs and unions the way C does.
     *
     * @return empty when the type has no such member or is not a struct or union
     */
    public static Optional<MemberRef> findMember(Type composite, String name) {
        Objects.requireNonNull(name, "name");
        if (!(underlying(composite) instanceof Composite root)) {
            return Optional.empty();
        }
        // Depth-first over anonymous members with an explicit stack; a visited set stops malformed self-nesting.
        record Frame(Composite type, List<Member> path, long bitOffset) {}
        Deque<Frame> stack = new ArrayDeque<>();
        Set<Type> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        stack.push(new Frame(root, List.of(), 0));
        while (!stack.isEmpty()) {
            Frame f = stack.pop();
            if (!visited.add(f.type)) {
                continue;
            }
            List<Frame> nested = new ArrayList<>();
            for (Member m : f.type.members()) {
                List<Member> path = new ArrayList<>(f.path);
                path.add(m);
                long offset = f.bitOffset + Integer.toUnsignedLong(m.bitOffset());
                if (m.name().equals(name)) {
                    return Optional.of(new MemberRef(path, offset));
                }
                if (m.name().isEmpty() && underlying(m.type()) instanceof Composite anonymous) {
                    nested.add(new Frame(anonymous, path, offset));
                }
            }
            for (int i = nested.size() - 1; i >= 0; i--) {
                stack.push(nested.get(i));
            }
        }
        return Optional.empty();
    }

    /**
     * The name without its CO-RE flavor suffix ({@code tcp_congestion_ops___v2} gives {@code tcp_congestion_ops}):
     * local types with flavors stand for the kernel type of the essential name, as in libbpf.
     */
    public static String essentialName(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return new String(bytes, 0, NameIndex.essentialLength(bytes, 0, bytes.length), StandardCharsets.UTF_8);
    }

    /** The C declaration of the type, one level deep: structs, unions and enums with their members. */
    public static String toC(Type type) {
        return CFormat.definition(type);
    }

    /** A one-line C-like description, e.g. {@code struct foo *}, {@code int [16]} or {@code int foo(char *s)}. */
    public static String describe(Type type) {
        return CFormat.describe(type);
    }

    /**
     * Whether two type graphs have the same structure: same kinds, names, sizes, members, values and references,
     * compared pairwise with a visited set so cycles terminate. Identity of the objects does not matter.
     */
    public static boolean equivalent(Type a, Type b) {
        Map<Type, Set<Type>> assumed = new IdentityHashMap<>();
        Deque<Type[]> work = new ArrayDeque<>();
        work.push(new Type[] {a, b});
        while (!work.isEmpty()) {
            Type[] pair = work.pop();
            Type x = pair[0];
            Type y = pair[1];
            if (x == y) {
                continue;
            }
            // Pairs already assumed equal are not compared again: this is what ends cycles.
            if (!assumed.computeIfAbsent(x, k -> Collections.newSetFromMap(new IdentityHashMap<>())).add(y)) {
                continue;
            }
            if (!shallowEquals(x, y)) {
                return false;
            }
            List<Type> xs = references(x);
            List<Type> ys = references(y);
            for (int i = 0; i < xs.size(); i++) {
                work.push(new Type[] {xs.get(i), ys.get(i)});
            }
        }
        return true;
    }

    /** A hash consistent with {@link #equivalent}: it covers the type's own fields and the kinds it references. */
    public static int structuralHash(Type type) {
        int h = shallowHash(type);
        for (Type ref : references(type)) {
            h = 31 * h + ref.kind().hashCode();
            h = 31 * h + ref.name().hashCode();
        }
        return h;
    }

    /** Compares everything but references; equal results imply equally long {@link #references} lists. */
    private static boolean shallowEquals(Type x, Type y) {
        if (x.kind() != y.kind() || !x.name().equals(y.name())) {
            return false;
        }
        switch (x.kind()) {
            case INT -> {
                Int p = (Int) x, q = (Int) y;
                return p.size() == q.size() && p.encoding() == q.encoding() && p.bitOffset() == q.bitOffset()
                        && p.bits() == q.bits();
            }
            case ARRAY -> {
                return ((Array) x).length() == ((Array) y).length();
            }
            case STRUCT, UNION -> {
                Composite p = (Composite) x, q = (Composite) y;
                if (p.size() != q.size() || p.members().size() != q.members().size()) {
                    return false;
                }
                for (int i = 0; i < p.members().size(); i++) {
                    Member m = p.members().get(i), n = q.members().get(i);
                    if (!m.name().equals(n.name()) || m.bitOffset() != n.bitOffset()
                            || m.bitfieldSize() != n.bitfieldSize()) {
                        return false;
                    }
                }
                return true;
            }
            case ENUM, ENUM64 -> {
                Enumeration p = (Enumeration) x, q = (Enumeration) y;
                return p.size() == q.size() && p.isSigned() == q.isSigned() && p.values().equals(q.values());
            }
            case FWD -> {
                return ((Fwd) x).target() == ((Fwd) y).target();
            }
            case FUNC -> {
                return ((Func) x).linkage() == ((Func) y).linkage();
            }
            case FUNC_PROTO -> {
                FuncProto p = (FuncProto) x, q = (FuncProto) y;
                if (p.params().size() != q.params().size()) {
                    return false;
                }
                for (int i = 0; i < p.params().size(); i++) {
                    if (!p.params().get(i).name().equals(q.params().get(i).name())) {
                        return false;
                    }
                }
                return true;
            }
            case VAR -> {
                return ((Var) x).linkage() == ((Var) y).linkage();
            }
            case DATASEC -> {
                Datasec p = (Datasec) x, q = (Datasec) y;
                if (p.size() != q.size() || p.vars().size() != q.vars().size()) {
                    return false;
                }
                for (int i = 0; i < p.vars().size(); i++) {
                    VarSecinfo v = p.vars().get(i), w = q.vars().get(i);
                    if (v.offset() != w.offset() || v.size() != w.size()) {
                        return false;
                    }
                }
                return true;
            }
            case FLOAT -> {
                return ((Float) x).size() == ((Float) y).size();
            }
            case DECL_TAG -> {
                DeclTag p = (DeclTag) x, q = (DeclTag) y;
                return p.componentIndex() == q.componentIndex() && p.isAttribute() == q.isAttribute();
            }
            case TYPE_TAG -> {
                return ((TypeTag) x).isAttribute() == ((TypeTag) y).isAttribute();
            }
            default -> {
                return true; // VOID, POINTER, TYPEDEF, VOLATILE, CONST, RESTRICT: name and references only
            }
        }
    }

    private static int shallowHash(Type t) {
        int h = t.kind().hashCode() * 31 + t.name().hashCode();
        return switch (t.kind()) {
            case INT -> h * 31 + ((Int) t).size();
            case STRUCT, UNION -> (h * 31 + ((Composite) t).size()) * 31 + ((Composite) t).members().size();
            case ENUM, ENUM64 -> h * 31 + ((Enumeration) t).values().hashCode();
            case ARRAY -> h * 31 + ((Array) t).length();
            case FUNC_PROTO -> h * 31 + ((FuncProto) t).params().size();
            default -> h;
        };
    }

    /** The types {@code type} refers to directly, in wire order (members, parameters, variables...). */
    public static List<Type> references(Type type) {
        List<Type> refs = new ArrayList<>();
        Refs.forEach(type, refs::add);
        return refs;
    }

    /**
     * A deep copy of the graph reachable from {@code type}: every type is copied once, so shared references and
     * cycles are preserved. {@link Void#INSTANCE} is shared.
     */
    public static Type copy(Type type) {
        Map<Type, Type> copies = new IdentityHashMap<>();
        copies.put(Void.INSTANCE, Void.INSTANCE);
        Deque<Type> work = new ArrayDeque<>();
        Type root = shallowCopy(type);
        copies.put(type, root);
        work.push(root);
        while (!work.isEmpty()) {
            // Copies still point at originals; each reference is swapped for its copy, creating it on first sight.
            Refs.replace(work.pop(), original -> copies.computeIfAbsent(original, o -> {
                Type c = shallowCopy(o);
                work.push(c);
                return c;
            }));
        }
        return root;
    }

    private static Type shallowCopy(Type t) {
        return switch (t.kind()) {
            case VOID -> t;
            case INT -> {
                Int i = (Int) t;
                yield new Int(i.name(), i.size(), i.encoding(), i.bitOffset(), i.bits());
            }
            case POINTER -> new Pointer(((Pointer) t).target());
            case ARRAY -> {
                Array a = (Array) t;
                yield new Array(a.element(), a.index(), a.length());
            }
            case STRUCT -> new Struct(t.name(), ((Struct) t).size(), ((Struct) t).members());
            case UNION -> new Union(t.name(), ((Union) t).size(), ((Union) t).members());
            case ENUM -> new Enum(t.name(), ((Enum) t).size(), ((Enum) t).isSigned(), ((Enum) t).values());
            case ENUM64 -> new Enum64(t.name(), ((Enum64) t).size(), ((Enum64) t).isSigned(), ((Enum64) t).values());
            case FWD -> new Fwd(t.name(), ((Fwd) t).target());
            case TYPEDEF -> new Typedef(t.name(), ((Typedef) t).type());
            case VOLATILE -> new Volatile(((Volatile) t).type());
            case CONST -> new Const(((Const) t).type());
            case RESTRICT -> new Restrict(((Restrict) t).type());
            case TYPE_TAG -> new TypeTag(t.name(), ((TypeTag) t).type(), ((TypeTag) t).isAttribute());
            case FUNC -> new Func(t.name(), ((Func) t).proto(), ((Func) t).linkage());
            case FUNC_PROTO -> new FuncProto(((FuncProto) t).returnType(), ((FuncProto) t).params());
            case VAR -> new Var(t.name(), ((Var) t).type(), ((Var) t).linkage());
            case DATASEC -> new Datasec(t.name(), ((Datasec) t).size(), ((Datasec) t).vars());
            case FLOAT -> new Float(t.name(), ((Float) t).size());
            case DECL_TAG -> {
                DeclTag d = (DeclTag) t;
                yield new DeclTag(d.name(), d.type(), d.componentIndex(), d.isAttribute());
            }
        };
    }
}
