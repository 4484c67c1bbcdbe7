package io.ebpf4j.btf;

import io.ebpf4j.BpfException;
import io.ebpf4j.BtfFormatException;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Resolves CO-RE relocations against target BTF, following libbpf's {@code relo_core.c}:
 *
 * <ol>
 *   <li>Candidates are the target types whose name equals the local root type's name once both are stripped of a
 *   {@code ___flavor} suffix, and whose kind is the same (any two enum kinds count as the same). They come from
 *   vmlinux; only if vmlinux has none, from the loaded modules' BTF.</li>
 *   <li>The local access string is turned into a path of named members and array indexes; each candidate is matched
 *   along it: member names are looked up through anonymous structs and unions, array indexes must be in bounds
 *   (flexible arrays excepted), field types must be compatible; type-based kinds use libbpf's "compatible" or
 *   "matches" relations; enum kinds look the enumerator up by name.</li>
 *   <li>Every matching candidate must give the same result (and, for fields, the same bit offset), otherwise the
 *   relocation is ambiguous and fails. Candidates that did not match are dropped for the later relocations of the
 *   same local type, as libbpf does.</li>
 *   <li>Without any match, existence kinds yield 0 and the other field and enum value kinds yield a
 *   {@linkplain CoreResult#poison() poison} result.</li>
 * </ol>
 *
 * <p>One resolver serves the relocations of one BPF object (it caches candidates per local type). Not thread-safe.
 */
public final class CoreResolver {
    /** Longest access path, as in libbpf ({@code BPF_CORE_SPEC_MAX_LEN}). */
    private static final int MAX_SPEC_LEN = 64;
    /** Recursion bounds of libbpf's type comparisons. */
    private static final int MAX_LEVEL = 32;

    private final Spec vmlinux;
    private final Supplier<Map<String, Spec>> modules;
    private Map<String, Spec> loadedModules;
    private final Map<Type, List<Candidate>> candidates = new IdentityHashMap<>();

    private CoreResolver(Spec vmlinux, Supplier<Map<String, Spec>> modules) {
        this.vmlinux = Objects.requireNonNull(vmlinux, "vmlinux");
        this.modules = modules;
    }

    /**
     * Against the running kernel: {@link Spec#kernel()}, then the BTF of loaded modules when vmlinux has no candidate.
     */
    public static CoreResolver forKernel() {
        return new CoreResolver(Spec.kernel(), () -> {
            Map<String, Spec> specs = new LinkedHashMap<>();
            for (String module : Spec.kernelModules()) {
                Spec.kernelModule(module).ifPresent(spec -> specs.put(module, spec));
            }
            return specs;
        });
    }

    /** Against the given kernel BTF only (like libbpf's {@code btf_custom_path}: no module search). */
    public static CoreResolver of(Spec vmlinux) {
        return new CoreResolver(vmlinux, Map::of);
    }

    /** Against the given kernel BTF and module BTF (split specs on top of {@code vmlinux}), by module name. */
    public static CoreResolver of(Spec vmlinux, Map<String, Spec> modules) {
        Map<String, Spec> copy = new LinkedHashMap<>(modules);
        return new CoreResolver(vmlinux, () -> copy);
    }

    /**
     * Computes the relocation's result.
     *
     * @throws BtfFormatException when the access string does not fit the local type
     * @throws BpfException when the candidates disagree (ambiguity) or the local type is anonymous
     */
    public CoreResult resolve(CoreRelocation relo) {
        LocalSpec local = parseLocal(relo);
        if (relo.kind() == CoreKind.TYPE_ID_LOCAL) {
            // No target involved; the id may change if the loader renumbers the local BTF (see CoreRelocation).
            return new CoreResult(relo, false, relo.typeId(), relo.typeId(), false, 0, 0, false, 0, null, "");
        }
        if (relo.type().name().isEmpty()) {
            throw failure(relo, "CO-RE relocations of anonymous types are not supported");
        }
        List<Candidate> cands = candidates.computeIfAbsent(relo.type(), this::findCandidates);
        List<Candidate> matching = new ArrayList<>();
        Values chosen = null;
        TargetSpec chosenSpec = null;
        Candidate chosenCandidate = null;
        for (Candidate c : cands) {
            TargetSpec target = new TargetSpec(c.spec(), c.id());
            if (!match(local, target)) {
                continue;
            }
            Values values = calculate(relo, local, target);
            if (chosen == null) {
                chosen = values;
                chosenSpec = target;
                chosenCandidate = c;
            } else if (target.bitOffset != chosenSpec.bitOffset) {
                throw failure(relo, "field offset ambiguity: " + describe(chosenSpec) + " in "
                        + chosenCandidate.source() + " vs " + describe(target) + " in " + c.source());
            } else if (values.poison != chosen.poison || values.targetValue != chosen.targetValue) {
                throw failure(relo, "relocation decision ambiguity: " + chosen + " for " + describe(chosenSpec)
                        + " vs " + values + " for " + describe(target));
            }
            matching.add(c);
        }
        if (chosen == null) {
            Values values = calculate(relo, local, null);
            return values.toResult(relo, null);
        }
        // Like libbpf: later relocations of this local type only consider the candidates that matched.
        candidates.put(relo.type(), matching);
        return chosen.toResult(relo, chosenCandidate);
    }

    // -----------------------------------------------------------------------------------------------------------
    // Candidates

    /**
     * A target type that may correspond to the local one. Target types are read from raw records and never inflated:
     * a kernel struct such as {@code task_struct} reaches most of vmlinux through its pointers.
     */
    private record Candidate(int id, Spec spec, String source) {}

    private List<Candidate> findCandidates(Type local) {
        List<Candidate> found = new ArrayList<>();
        addCandidates(local, vmlinux, "vmlinux", found);
        if (found.isEmpty()) {
            if (loadedModules == null) {
                loadedModules = modules.get();
            }
            loadedModules.forEach((name, spec) -> addCandidates(local, spec, name, found));
        }
        return found;
    }

    private static void addCandidates(Type local, Spec target, String source, List<Candidate> into) {
        for (int id : target.idsByEssentialName(local.name(), local.kind())) {
            if (kindsCompatible(local.kind(), target.kindOf(id))) {
                into.add(new Candidate(id, target, source));
            }
        }
    }

    /** libbpf's {@code btf_kind_core_compat}: the same kind, or two enum kinds. */
    private static boolean kindsCompatible(Kind a, Kind b) {
        return a == b || isEnum(a) && isEnum(b);
    }

    private static boolean isEnum(Kind k) {
        return k == Kind.ENUM || k == Kind.ENUM64;
    }

    private static boolean isComposite(Kind k) {
        return k == Kind.STRUCT || k == Kind.UNION;
    }

    // -----------------------------------------------------------------------------------------------------------
    // Access specs

    /** The part of libbpf's {@code bpf_core_spec} common to both sides: raw indexes and the resulting bit offset. */
    private abstract static class AccessPath {
        final int[] raw = new int[MAX_SPEC_LEN];
        int rawLength;
        long bitOffset;

        void pushRaw(int index) {
            if (rawLength == MAX_SPEC_LEN) {
                throw new BpfException("CO-RE access path deeper than " + MAX_SPEC_LEN + " steps");
            }
            raw[rawLength++] = index;
        }
    }

    /** One local step: a named member of {@code type}, or an index into an array of {@code type}. */
    private record Accessor(Type type, int index, String name) {}

    /** The local side, over the program's (inflated) types. */
    private static final class LocalSpec extends AccessPath {
        final CoreKind kind;
        final Type root;
        final List<Accessor> accessors = new ArrayList<>();

        LocalSpec(CoreKind kind, Type root) {
            this.kind = kind;
            this.root = root;
        }

        Accessor last() {
            return accessors.get(accessors.size() - 1);
        }
    }

    /** One target step, like {@link Accessor} with the type as an id in the target spec. */
    private record TargetAccessor(int type, int index, String name) {}

    /** The target side, over raw records of the target spec. */
    private static final class TargetSpec extends AccessPath {
        final Spec spec;
        final int root;
        final List<TargetAccessor> accessors = new ArrayList<>();

        TargetSpec(Spec spec, int root) {
            this.spec = spec;
            this.root = root;
        }

        TargetAccessor last() {
            return accessors.get(accessors.size() - 1);
        }
    }

    private static LocalSpec parseLocal(CoreRelocation relo) {
        String accessor = relo.accessor();
        LocalSpec spec = new LocalSpec(relo.kind(), relo.type());
        if (relo.kind().isTypeBased()) {
            if (!accessor.equals("0")) {
                throw badAccess(relo, "type-based relocations take the access string \"0\"");
            }
            return spec;
        }
        if (accessor.isEmpty() || accessor.startsWith(":")) {
            throw badAccess(relo, "empty access string");
        }
        for (String part : accessor.split(":", -1)) {
            if (part.isEmpty() || part.length() > 9 || !part.chars().allMatch(Character::isDigit)) {
                throw badAccess(relo, "'" + part + "' is not an index");
            }
            if (spec.rawLength == MAX_SPEC_LEN) {
                throw badAccess(relo, "more than " + MAX_SPEC_LEN + " steps");
            }
            spec.raw[spec.rawLength++] = Integer.parseInt(part);
        }
        Type t = Types.underlying(relo.type());
        int index = spec.raw[0];
        if (relo.kind().isEnumValueBased()) {
            if (!(t instanceof Enumeration e) || spec.rawLength > 1 || index >= e.values().size()) {
                throw badAccess(relo, "enum value relocations need an enum and one enumerator index");
            }
            spec.accessors.add(new Accessor(t, index, e.values().get(index).name()));
            return spec;
        }
        spec.accessors.add(new Accessor(t, index, null));
        spec.bitOffset = index * sizeOf(relo, t) * 8;
        for (int i = 1; i < spec.rawLength; i++) {
            t = Types.underlying(t);
            index = spec.raw[i];
            if (t instanceof Composite c) {
                if (index >= c.members().size()) {
                    throw badAccess(relo, "member index " + index + " out of range for " + Types.describe(c));
                }
                Member m = c.members().get(index);
                spec.bitOffset += Integer.toUnsignedLong(m.bitOffset());
                if (!m.name().isEmpty()) {
                    spec.accessors.add(new Accessor(c, index, m.name()));
                }
                t = m.type();
            } else if (t instanceof Array a) {
                Type element = Types.underlying(a.element());
                if (!isFlexibleArray(spec.last(), a)
                        && Integer.toUnsignedLong(index) >= Integer.toUnsignedLong(a.length())) {
                    throw badAccess(relo, "index " + index + " out of bounds of " + Types.describe(a));
                }
                spec.accessors.add(new Accessor(element, index, null));
                spec.bitOffset += index * sizeOf(relo, element) * 8;
                t = element;
            } else {
                throw badAccess(relo, "step " + i + " reaches " + Types.describe(t)
                        + ", neither a struct, union nor array");
            }
        }
        return spec;
    }

    /** A zero-length array that is the last member of the struct it was reached through. */
    private static boolean isFlexibleArray(Accessor enclosing, Array array) {
        return enclosing.name() != null && array.length() == 0
                && enclosing.index() == ((Composite) enclosing.type()).members().size() - 1;
    }

    /** The same for a target array. */
    private static boolean isFlexibleArray(Spec spec, TargetAccessor enclosing, RawType array) {
        return enclosing.name() != null && array.arrayLength() == 0
                && enclosing.index() == spec.rawType(enclosing.type()).vlen() - 1;
    }

    private static long sizeOf(CoreRelocation relo, Type t) {
        try {
            return Types.sizeof(t);
        } catch (BpfException e) {
            throw failure(relo, e.getMessage());
        }
    }

    // -----------------------------------------------------------------------------------------------------------
    // Target types, read raw: the counterparts of Types.underlying and Types.sizeof

    /** The target type behind typedefs and qualifiers (parsing rejected chains that do not end). */
    private static int underlying(Spec spec, int id) {
        int t = id;
        for (int hops = 0; ; hops++) {
            checkChain(spec, id, hops);
            RawType r = spec.rawType(t);
            switch (r.kind()) {
                case TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG -> t = r.type();
                default -> {
                    return t;
                }
            }
        }
    }

    /** Size in bytes of a target type, as {@link Types#sizeof} computes it. */
    private static long sizeof(Spec spec, int id) {
        long multiplier = 1;
        int t = id;
        for (int hops = 0; ; hops++) {
            checkChain(spec, id, hops);
            RawType r = spec.rawType(t);
            switch (r.kind()) {
                case INT, ENUM, ENUM64, STRUCT, UNION, FLOAT, DATASEC -> {
                    return multiplyExact(multiplier, Integer.toUnsignedLong(r.size()), spec, id);
                }
                case POINTER -> {
                    return multiplyExact(multiplier, Types.POINTER_SIZE, spec, id);
                }
                case TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG, VAR -> t = r.type();
                case ARRAY -> {
                    multiplier = multiplyExact(multiplier, Integer.toUnsignedLong(r.arrayLength()), spec, id);
                    t = r.arrayElement();
                }
                default -> throw new BpfException("type " + describe(spec, id) + " has no size ("
                        + (t == id ? "" : describe(spec, t) + " is ") + r.kind() + ")");
            }
        }
    }

    private static void checkChain(Spec spec, int start, int hops) {
        if (hops > Types.MAX_CHAIN) {
            throw new BpfException("type chain from " + describe(spec, start) + " is longer than " + Types.MAX_CHAIN
                    + " typedefs, qualifiers or arrays: a cycle?");
        }
    }

    private static long multiplyExact(long a, long b, Spec spec, int id) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new BpfException("size of " + describe(spec, id) + " overflows");
        }
    }

    // -----------------------------------------------------------------------------------------------------------
    // Matching a candidate (bpf_core_spec_match)

    private static boolean match(LocalSpec local, TargetSpec target) {
        CoreKind kind = local.kind;
        Spec spec = target.spec;
        if (kind.isTypeBased()) {
            return kind == CoreKind.TYPE_MATCHES
                    ? typesMatch(local.root, spec, target.root, false, MAX_LEVEL)
                    : typesCompatible(local.root, spec, target.root, MAX_LEVEL);
        }
        Accessor first = local.accessors.get(0);
        if (kind.isEnumValueBased()) {
            int id = underlying(spec, target.root);
            RawType e = spec.rawType(id);
            if (!isEnum(e.kind())) {
                return false;
            }
            for (int i = 0; i < e.vlen(); i++) {
                String name = spec.string(e.enumeratorNameOffset(i));
                if (essentialNamesEqual(first.name(), name)) {
                    target.accessors.add(new TargetAccessor(id, i, name));
                    target.pushRaw(i);
                    return true;
                }
            }
            return false;
        }
        int current = target.root;
        for (int i = 0; i < local.accessors.size(); i++) {
            Accessor acc = local.accessors.get(i);
            current = underlying(spec, current);
            if (acc.name() != null) {
                int next = matchMember(acc, spec, current, target);
                if (next < 0) {
                    return false;
                }
                current = next;
            } else {
                if (i > 0) {
                    RawType a = spec.rawType(current);
                    if (a.kind() != Kind.ARRAY) {
                        return false;
                    }
                    if (!isFlexibleArray(spec, target.last(), a)
                            && Integer.toUnsignedLong(acc.index()) >= Integer.toUnsignedLong(a.arrayLength())) {
                        return false;
                    }
                    current = underlying(spec, a.arrayElement());
                }
                target.pushRaw(acc.index());
                target.accessors.add(new TargetAccessor(current, acc.index(), null));
                target.bitOffset += acc.index() * sizeof(spec, current) * 8;
            }
        }
        return true;
    }

    /**
     * Finds the target member named like the local accessor's member, searching anonymous members depth-first (the
     * depth is bounded by {@link #MAX_SPEC_LEN} through {@link AccessPath#pushRaw}). Returns the member's type id, or
     * -1 if there is no such member or its type is incompatible.
     */
    private static int matchMember(Accessor local, Spec spec, int targetType, TargetSpec target) {
        int id = underlying(spec, targetType);
        RawType composite = spec.rawType(id);
        if (!isComposite(composite.kind())) {
            return -1;
        }
        Member localMember = ((Composite) local.type()).members().get(local.index());
        for (int i = 0; i < composite.vlen(); i++) {
            long memberOffset = Integer.toUnsignedLong(composite.memberBitOffset(i));
            String name = spec.string(composite.memberNameOffset(i));
            target.bitOffset += memberOffset;
            target.pushRaw(i);
            if (name.isEmpty()) {
                int found = matchMember(local, spec, composite.memberType(i), target);
                if (found >= 0) {
                    return found;
                }
            } else if (name.equals(localMember.name())) {
                if (!fieldsCompatible(localMember.type(), spec, composite.memberType(i))) {
                    return -1;
                }
                target.accessors.add(new TargetAccessor(id, i, name));
                return composite.memberType(i);
            }
            target.bitOffset -= memberOffset;
            target.rawLength--;
        }
        return -1;
    }

    /** libbpf's {@code bpf_core_fields_are_compat}. */
    private static boolean fieldsCompatible(Type localType, Spec spec, int targetType) {
        Type l = localType;
        int t = targetType;
        for (int depth = 0; depth <= MAX_LEVEL; depth++) {
            l = Types.underlying(l);
            RawType r = spec.rawType(underlying(spec, t));
            if (l instanceof Composite && isComposite(r.kind())) {
                return true;
            }
            if (!kindsCompatible(l.kind(), r.kind())) {
                return false;
            }
            switch (l.kind()) {
                case POINTER, FLOAT -> {
                    return true;
                }
                case FWD, ENUM, ENUM64 -> {
                    String name = r.name();
                    return l.name().isEmpty() || name.isEmpty() || essentialNamesEqual(l.name(), name);
                }
                case INT -> {
                    return ((Int) l).bitOffset() == 0 && r.intBitOffset() == 0;
                }
                case ARRAY -> {
                    l = ((Array) l).element();
                    t = r.arrayElement();
                }
                default -> {
                    return false;
                }
            }
        }
        throw new BpfException("CO-RE field comparison of " + Types.describe(localType) + " nests too deeply");
    }

    /** libbpf's {@code bpf_core_types_are_compat}: the relation behind TYPE_EXISTS, TYPE_SIZE and TYPE_ID_TARGET. */
    private static boolean typesCompatible(Type localType, Spec spec, int targetType, int level) {
        if (!kindsCompatible(localType.kind(), spec.kindOf(targetType))) {
            return false;
        }
        Type l = localType;
        int t = targetType;
        for (int depth = 1; ; depth++) {
            if (depth > MAX_LEVEL) {
                throw new BpfException("CO-RE type comparison of " + Types.describe(localType) + " nests too deeply");
            }
            l = Types.underlying(l);
            RawType r = spec.rawType(underlying(spec, t));
            if (!kindsCompatible(l.kind(), r.kind())) {
                return false;
            }
            switch (l.kind()) {
                case VOID, STRUCT, UNION, ENUM, ENUM64, FWD -> {
                    return true;
                }
                case INT -> {
                    return ((Int) l).bitOffset() == 0 && r.intBitOffset() == 0;
                }
                case POINTER -> {
                    l = ((Pointer) l).target();
                    t = r.type();
                }
                case ARRAY -> {
                    l = ((Array) l).element();
                    t = r.arrayElement();
                }
                case FUNC_PROTO -> {
                    FuncProto lp = (FuncProto) l;
                    if (lp.params().size() != r.vlen()) {
                        return false;
                    }
                    for (int i = 0; i < lp.params().size(); i++) {
                        if (level <= 0) {
                            throw new BpfException("CO-RE type comparison of " + Types.describe(localType)
                                    + " nests too deeply");
                        }
                        if (!typesCompatible(Types.underlying(lp.params().get(i).type()), spec,
                                underlying(spec, r.paramType(i)), level - 1)) {
                            return false;
                        }
                    }
                    l = lp.returnType();
                    t = r.type();
                }
                default -> {
                    return false;
                }
            }
        }
    }

    /** libbpf's {@code __bpf_core_types_match}: the relation behind TYPE_MATCHES. */
    private static boolean typesMatch(Type localType, Spec spec, int targetType, boolean behindPointer, int level) {
        if (level <= 0) {
            throw new BpfException("CO-RE type match of " + Types.describe(localType) + " nests too deeply");
        }
        Type l = localType;
        int t = targetType;
        boolean behind = behindPointer;
        for (int depth = 1; ; depth++) {
            if (depth > MAX_LEVEL) {
                throw new BpfException("CO-RE type match of " + Types.describe(localType) + " nests too deeply");
            }
            l = Types.underlying(l);
            RawType r = spec.rawType(underlying(spec, t));
            if (!namesMatch(l.name(), r.name())) {
                return false;
            }
            Kind lk = l.kind();
            Kind tk = r.kind();
            switch (lk) {
                case VOID -> {
                    return tk == Kind.VOID;
                }
                case FWD -> {
                    boolean localUnion = ((Fwd) l).target() == Fwd.Target.UNION;
                    if (lk == tk) {
                        return localUnion == r.kindFlag();
                    }
                    return behind && (tk == Kind.STRUCT && !localUnion || tk == Kind.UNION && localUnion);
                }
                case ENUM, ENUM64 -> {
                    return isEnum(tk) && enumsMatch((Enumeration) l, spec, r);
                }
                case STRUCT, UNION -> {
                    if (behind) {
                        if (lk == tk) {
                            return true;
                        }
                        return tk == Kind.FWD && (lk == Kind.UNION) == r.kindFlag();
                    }
                    return lk == tk && compositesMatch((Composite) l, spec, r, level);
                }
                case INT -> {
                    return lk == tk && ((Int) l).size() == r.size()
                            && ((Int) l).isSigned() == (r.intEncoding() == Int.Encoding.SIGNED);
                }
                case POINTER -> {
                    if (lk != tk) {
                        return false;
                    }
                    behind = true;
                    l = ((Pointer) l).target();
                    t = r.type();
                }
                case ARRAY -> {
                    if (lk != tk || ((Array) l).length() != r.arrayLength()) {
                        return false;
                    }
                    l = ((Array) l).element();
                    t = r.arrayElement();
                }
                case FUNC_PROTO -> {
                    if (lk != tk) {
                        return false;
                    }
                    FuncProto lp = (FuncProto) l;
                    if (lp.params().size() != r.vlen()) {
                        return false;
                    }
                    for (int i = 0; i < lp.params().size(); i++) {
                        if (!typesMatch(lp.params().get(i).type(), spec, r.paramType(i), behind, level - 1)) {
                            return false;
                        }
                    }
                    l = lp.returnType();
                    t = r.type();
                }
                default -> {
                    return false;
                }
            }
        }
    }

    private static boolean enumsMatch(Enumeration local, Spec spec, RawType target) {
        if (local.size() != target.size() || local.values().size() > target.vlen()) {
            return false;
        }
        String[] names = new String[target.vlen()];
        for (int i = 0; i < names.length; i++) {
            names[i] = spec.string(target.enumeratorNameOffset(i));
        }
        for (EnumValue lv : local.values()) {
            if (Arrays.stream(names).noneMatch(name -> namesMatch(lv.name(), name))) {
                return false;
            }
        }
        return true;
    }

    private static boolean compositesMatch(Composite local, Spec spec, RawType target, int level) {
        if (local.members().size() > target.vlen()) {
            return false;
        }
        for (Member lm : local.members()) {
            boolean matched = false;
            for (int i = 0; i < target.vlen(); i++) {
                if (namesMatch(lm.name(), spec.string(target.memberNameOffset(i)))
                        && typesMatch(lm.type(), spec, target.memberType(i), false, level - 1)) {
                    matched = true;
                    break;
                }
            }
            if (!matched) {
                return false;
            }
        }
        return true;
    }

    /** libbpf's {@code bpf_core_names_match}: an anonymous target matches only an anonymous local. */
    private static boolean namesMatch(String local, String target) {
        if (target.isEmpty()) {
            return local.isEmpty();
        }
        return essentialNamesEqual(local, target);
    }

    private static boolean essentialNamesEqual(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        int xl = NameIndex.essentialLength(x, 0, x.length);
        int yl = NameIndex.essentialLength(y, 0, y.length);
        return xl == yl && Arrays.equals(x, 0, xl, y, 0, yl);
    }

    // -----------------------------------------------------------------------------------------------------------
    // Values (bpf_core_calc_relo)

    /** The outcome for one candidate (or for none). */
    private record Values(boolean poison, long localValue, long targetValue, boolean validate, int localSize,
            int targetSize, boolean unsafeSizeChange) {
        static Values poisoned() {
            return new Values(true, 0, 0, true, 0, 0, false);
        }

        CoreResult toResult(CoreRelocation relo, Candidate c) {
            return new CoreResult(relo, poison, localValue, targetValue, validate, localSize, targetSize,
                    unsafeSizeChange, c == null ? 0 : c.id(), c == null ? null : c.spec(),
                    c == null ? "" : c.source());
        }

        @Override
        public String toString() {
            return poison ? "failure" : "success " + targetValue;
        }
    }

    /** Whether a memory access to a field may change size: only pointers and unsigned integers may (zero extension). */
    private enum Resizing { POINTER, UNSIGNED_INT, NONE }

    /**
     * What the field value kinds need to know of the field an access path ends at, on either side.
     *
     * @param element whether the path ends with an array index rather than a member
     * @param bitfieldSize the member's bitfield width, 0 for ordinary members and array elements
     * @param size size of the field's type
     * @param elementSize size of the innermost element when that type is an array, else {@code size}
     */
    private record Field(boolean element, String name, long bitOffset, long bitfieldSize, long size, long elementSize,
            boolean signed, Resizing resizing) {}

    private static Field localField(LocalSpec spec) {
        Accessor acc = spec.last();
        if (acc.name() == null) {
            return new Field(true, null, spec.bitOffset, 0, Types.sizeof(acc.type()),
                    Types.sizeof(innermostElement(acc.type())), false, resizing(acc.type()));
        }
        Member m = ((Composite) acc.type()).members().get(acc.index());
        Type type = Types.underlying(m.type());
        boolean signed = type instanceof Enumeration e && e.isSigned() || type instanceof Int i && i.isSigned();
        return new Field(false, m.name(), spec.bitOffset, m.bitfieldSize(), Types.sizeof(type),
                Types.sizeof(innermostElement(type)), signed, resizing(type));
    }

    private static Field targetField(TargetSpec spec) {
        Spec s = spec.spec;
        TargetAccessor acc = spec.last();
        if (acc.name() == null) {
            return new Field(true, null, spec.bitOffset, 0, sizeof(s, acc.type()),
                    sizeof(s, innermostElement(s, acc.type())), false, resizing(s.rawType(acc.type())));
        }
        RawType composite = s.rawType(acc.type());
        int type = underlying(s, composite.memberType(acc.index()));
        RawType r = s.rawType(type);
        boolean signed = isEnum(r.kind()) && r.kindFlag()
                || r.kind() == Kind.INT && r.intEncoding() == Int.Encoding.SIGNED;
        return new Field(false, acc.name(), spec.bitOffset, composite.memberBitfieldSize(acc.index()), sizeof(s, type),
                sizeof(s, innermostElement(s, type)), signed, resizing(r));
    }

    private static Resizing resizing(Type t) {
        if (t instanceof Pointer) {
            return Resizing.POINTER;
        }
        return t instanceof Int i && i.encoding() != Int.Encoding.SIGNED ? Resizing.UNSIGNED_INT : Resizing.NONE;
    }

    private static Resizing resizing(RawType t) {
        if (t.kind() == Kind.POINTER) {
            return Resizing.POINTER;
        }
        return t.kind() == Kind.INT && t.intEncoding() != Int.Encoding.SIGNED ? Resizing.UNSIGNED_INT : Resizing.NONE;
    }

    /** A field-based value for one side, with the memory access size behind it. */
    private record FieldValue(long value, int size, Resizing resizing, boolean validate) {}

    private static Values calculate(CoreRelocation relo, LocalSpec local, TargetSpec target) {
        CoreKind kind = relo.kind();
        if (kind.isFieldBased()) {
            if (kind == CoreKind.FIELD_EXISTS) {
                return new Values(false, 1, target == null ? 0 : 1, true, 0, 0, false);
            }
            if (target == null) {
                return Values.poisoned();
            }
            FieldValue orig = fieldValue(relo, localField(local));
            FieldValue updated = fieldValue(relo, targetField(target));
            boolean unsafe = orig.size() != updated.size()
                    && (orig.resizing() != updated.resizing() || orig.resizing() == Resizing.NONE);
            return new Values(false, orig.value(), updated.value(), orig.validate(), orig.size(), updated.size(),
                    unsafe);
        }
        if (kind.isTypeBased()) {
            return new Values(false, typeValue(relo, local.root), target == null ? 0 : typeValue(relo, target),
                    kind != CoreKind.TYPE_ID_TARGET, 0, 0, false);
        }
        if (kind == CoreKind.ENUMVAL_EXISTS) {
            return new Values(false, 1, target == null ? 0 : 1, true, 0, 0, false);
        }
        if (target == null) {
            return Values.poisoned();
        }
        return new Values(false, enumValue(local), enumValue(target), true, 0, 0, false);
    }

    /** libbpf's {@code bpf_core_calc_field_relo} for a field that exists. */
    private static FieldValue fieldValue(CoreRelocation relo, Field field) {
        CoreKind kind = relo.kind();
        if (field.element()) {
            // The path ends with an array index.
            if (kind == CoreKind.FIELD_BYTE_OFFSET) {
                return new FieldValue(field.bitOffset() / 8, (int) field.elementSize(), field.resizing(), true);
            }
            if (kind == CoreKind.FIELD_BYTE_SIZE) {
                return new FieldValue(field.size(), 0, null, true);
            }
            throw failure(relo, kind + " cannot be applied to an array element access");
        }
        long bitOffset = field.bitOffset();
        long bitSize = field.bitfieldSize();
        boolean bitfield = bitSize > 0;
        long byteSize = field.size();
        long byteOffset;
        if (bitfield) {
            // The smallest naturally aligned integer load that covers the bitfield.
            byteOffset = bitOffset / 8 / byteSize * byteSize;
            while (bitOffset + bitSize - byteOffset * 8 > byteSize * 8) {
                if (byteSize >= 8) {
                    throw failure(relo, "bitfield " + field.name() + " cannot be read with a 64-bit load");
                }
                byteSize *= 2;
                byteOffset = bitOffset / 8 / byteSize * byteSize;
            }
        } else {
            byteOffset = bitOffset / 8;
            bitSize = byteSize * 8;
        }
        return switch (kind) {
            case FIELD_BYTE_OFFSET -> bitfield
                    ? new FieldValue(byteOffset, 0, null, false)
                    : new FieldValue(byteOffset, (int) field.elementSize(), field.resizing(), true);
            case FIELD_BYTE_SIZE -> new FieldValue(byteSize, 0, null, !bitfield);
            case FIELD_SIGNED -> new FieldValue(field.signed() ? 1 : 0, 0, null, true);
            case FIELD_LSHIFT_U64 -> new FieldValue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
                    ? 64 - (bitOffset + bitSize - byteOffset * 8)
                    : (8 - byteSize) * 8 + (bitOffset - byteOffset * 8), 0, null, !bitfield);
            case FIELD_RSHIFT_U64 -> new FieldValue(64 - bitSize, 0, null, true);
            default -> throw new IllegalStateException("not a field kind: " + kind);
        };
    }

    private static Type innermostElement(Type type) {
        Type t = Types.underlying(type);
        for (int depth = 0; t instanceof Array a; depth++) {
            if (depth > MAX_LEVEL) {
                throw new BpfException("arrays nested too deeply in " + Types.describe(type));
            }
            t = Types.underlying(a.element());
        }
        return t;
    }

    private static int innermostElement(Spec spec, int type) {
        int t = underlying(spec, type);
        for (int depth = 0; spec.kindOf(t) == Kind.ARRAY; depth++) {
            if (depth > MAX_LEVEL) {
                throw new BpfException("arrays nested too deeply in " + describe(spec, type));
            }
            t = underlying(spec, spec.rawType(t).arrayElement());
        }
        return t;
    }

    private static long typeValue(CoreRelocation relo, Type local) {
        return switch (relo.kind()) {
            case TYPE_ID_TARGET -> relo.typeId();
            case TYPE_EXISTS, TYPE_MATCHES -> 1;
            case TYPE_SIZE -> sizeOf(relo, local);
            default -> throw new IllegalStateException("not a type kind: " + relo.kind());
        };
    }

    private static long typeValue(CoreRelocation relo, TargetSpec target) {
        return switch (relo.kind()) {
            case TYPE_ID_TARGET -> target.root;
            case TYPE_EXISTS, TYPE_MATCHES -> 1;
            case TYPE_SIZE -> {
                try {
                    yield sizeof(target.spec, target.root);
                } catch (BpfException e) {
                    throw failure(relo, e.getMessage());
                }
            }
            default -> throw new IllegalStateException("not a type kind: " + relo.kind());
        };
    }

    /** The enumerator's value as libbpf reads it: a 32-bit value sign-extended, a 64-bit one as is. */
    private static long enumValue(LocalSpec spec) {
        Accessor acc = spec.accessors.get(0);
        long value = ((Enumeration) acc.type()).values().get(acc.index()).value();
        return acc.type() instanceof Enum ? (int) value : value;
    }

    private static long enumValue(TargetSpec spec) {
        TargetAccessor acc = spec.accessors.get(0);
        RawType e = spec.spec.rawType(acc.type());
        long value = e.enumeratorValue(acc.index());
        return e.kind() == Kind.ENUM ? (int) value : value;
    }

    // -----------------------------------------------------------------------------------------------------------
    // Messages

    /** libbpf's spec notation: {@code [id] struct task_struct.real_parent (0:2 @ offset 2456)}. */
    private static String describe(TargetSpec spec) {
        StringBuilder s = new StringBuilder(describe(spec.spec, spec.root));
        for (int i = 0; i < spec.accessors.size(); i++) {
            TargetAccessor a = spec.accessors.get(i);
            if (a.name() != null) {
                s.append('.').append(a.name());
            } else if (i > 0 || a.index() > 0) {
                s.append('[').append(a.index()).append(']');
            }
        }
        s.append(" (");
        for (int i = 0; i < spec.rawLength; i++) {
            s.append(i == 0 ? "" : ":").append(spec.raw[i]);
        }
        s.append(" @ offset ").append(spec.bitOffset / 8);
        if (spec.bitOffset % 8 != 0) {
            s.append('.').append(spec.bitOffset % 8);
        }
        return s.append(')').toString();
    }

    /** A target type in messages, without inflating it: {@code [id] struct name}. */
    static String describe(Spec spec, int id) {
        RawType t = spec.rawType(id);
        String name = t.name().isEmpty() ? "(anon)" : t.name();
        String kind = switch (t.kind()) {
            case STRUCT -> "struct";
            case UNION -> "union";
            case ENUM, ENUM64 -> "enum";
            default -> t.kind().toString().toLowerCase(Locale.ROOT);
        };
        return "[" + id + "] " + kind + " " + name;
    }

    private static BtfFormatException badAccess(CoreRelocation relo, String problem) {
        return new BtfFormatException("CO-RE relocation " + relo + ": invalid access string \"" + relo.accessor()
                + "\": " + problem);
    }

    private static BpfException failure(CoreRelocation relo, String problem) {
        return new BpfException("CO-RE relocation " + relo + ": " + problem);
    }
}
