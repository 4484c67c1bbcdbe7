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

    /** Against the running kernel: {@link Spec#kernel()}, then the BTF of loaded modules when vmlinux has no candidate. */
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
        AccessSpec local = parseLocal(relo);
        if (relo.kind() == CoreKind.TYPE_ID_LOCAL) {
            // No target involved; the id may change if the loader renumbers the local BTF (see CoreRelocation).
            return new CoreResult(relo, false, relo.typeId(), relo.typeId(), false, 0, 0, false, null, null, "");
        }
        if (relo.type().name().isEmpty()) {
            throw failure(relo, "CO-RE relocations of anonymous types are not supported");
        }
        List<Candidate> cands = candidates.computeIfAbsent(relo.type(), this::findCandidates);
        List<Candidate> matching = new ArrayList<>();
        Values chosen = null;
        AccessSpec chosenSpec = null;
        Candidate chosenCandidate = null;
        for (Candidate c : cands) {
            AccessSpec target = new AccessSpec(relo.kind(), c.type(), c.id());
            if (!match(local, target)) {
                continue;
            }
            Values values = calculate(relo, local, target);
            if (chosen == null) {
                chosen = values;
                chosenSpec = target;
                chosenCandidate = c;
            } else if (target.bitOffset != chosenSpec.bitOffset) {
                throw failure(relo, "field offset ambiguity: " + describe(chosenSpec) + " in " + chosenCandidate.source()
                        + " vs " + describe(target) + " in " + c.source());
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

    private record Candidate(Type type, int id, Spec spec, String source) {}

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
            Kind kind = target.kindOf(id);
            if (kindsCompatible(local.kind(), kind)) {
                into.add(new Candidate(target.typeById(id), id, target, source));
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

    // -----------------------------------------------------------------------------------------------------------
    // Access specs

    /** One step of an access path: a named member of {@code type}, or an index into an array of {@code type}. */
    private record Accessor(Type type, int index, String name) {}

    /** libbpf's {@code bpf_core_spec}: the high-level accessors, the raw indexes and the resulting bit offset. */
    private static final class AccessSpec {
        final CoreKind kind;
        final Type root;
        final int rootId;
        final List<Accessor> accessors = new ArrayList<>();
        final int[] raw = new int[MAX_SPEC_LEN];
        int rawLength;
        long bitOffset;

        AccessSpec(CoreKind kind, Type root, int rootId) {
            this.kind = kind;
            this.root = root;
            this.rootId = rootId;
        }

        Accessor last() {
            return accessors.get(accessors.size() - 1);
        }

        void pushRaw(int index) {
            if (rawLength == MAX_SPEC_LEN) {
                throw new BpfException("CO-RE access path deeper than " + MAX_SPEC_LEN + " steps");
            }
            raw[rawLength++] = index;
        }
    }

    private static AccessSpec parseLocal(CoreRelocation relo) {
        String accessor = relo.accessor();
        AccessSpec spec = new AccessSpec(relo.kind(), relo.type(), relo.typeId());
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
                if (!isFlexibleArray(spec.last(), a) && Integer.toUnsignedLong(index) >= Integer.toUnsignedLong(a.length())) {
                    throw badAccess(relo, "index " + index + " out of bounds of " + Types.describe(a));
                }
                spec.accessors.add(new Accessor(element, index, null));
                spec.bitOffset += index * sizeOf(relo, element) * 8;
                t = element;
            } else {
                throw badAccess(relo, "step " + i + " reaches " + Types.describe(t) + ", neither a struct, union nor array");
            }
        }
        return spec;
    }

    /** A zero-length array that is the last member of the struct it was reached through. */
    private static boolean isFlexibleArray(Accessor enclosing, Array array) {
        return enclosing.name() != null && array.length() == 0
                && enclosing.index() == ((Composite) enclosing.type()).members().size() - 1;
    }

    private static long sizeOf(CoreRelocation relo, Type t) {
        try {
            return Types.sizeof(t);
        } catch (BpfException e) {
            throw failure(relo, e.getMessage());
        }
    }

    // -----------------------------------------------------------------------------------------------------------
    // Matching a candidate (bpf_core_spec_match)

    private static boolean match(AccessSpec local, AccessSpec target) {
        CoreKind kind = local.kind;
        if (kind.isTypeBased()) {
            return kind == CoreKind.TYPE_MATCHES
                    ? typesMatch(local.root, target.root, false, MAX_LEVEL)
                    : typesCompatible(local.root, target.root, MAX_LEVEL);
        }
        Accessor first = local.accessors.get(0);
        if (kind.isEnumValueBased()) {
            if (!(Types.underlying(target.root) instanceof Enumeration e)) {
                return false;
            }
            for (int i = 0; i < e.values().size(); i++) {
                String name = e.values().get(i).name();
                if (essentialNamesEqual(first.name(), name)) {
                    target.accessors.add(new Accessor(e, i, name));
                    target.pushRaw(i);
                    return true;
                }
            }
            return false;
        }
        Type current = target.root;
        for (int i = 0; i < local.accessors.size(); i++) {
            Accessor acc = local.accessors.get(i);
            current = Types.underlying(current);
            if (acc.name() != null) {
                Type next = matchMember(acc, current, target);
                if (next == null) {
                    return false;
                }
                current = next;
            } else {
                if (i > 0) {
                    if (!(current instanceof Array a)) {
                        return false;
                    }
                    if (!isFlexibleArray(target.last(), a)
                            && Integer.toUnsignedLong(acc.index()) >= Integer.toUnsignedLong(a.length())) {
                        return false;
                    }
                    current = Types.underlying(a.element());
                }
                target.pushRaw(acc.index());
                target.accessors.add(new Accessor(current, acc.index(), null));
                target.bitOffset += acc.index() * Types.sizeof(current) * 8;
            }
        }
        return true;
    }

    /**
     * Finds the target member named like the local accessor's member, searching anonymous members depth-first (the
     * depth is bounded by {@link #MAX_SPEC_LEN} through {@link AccessSpec#pushRaw}). Returns the member's type, or
     * {@code null} if there is no such member or its type is incompatible.
     */
    private static Type matchMember(Accessor local, Type targetType, AccessSpec target) {
        if (!(Types.underlying(targetType) instanceof Composite composite)) {
            return null;
        }
        Member localMember = ((Composite) local.type()).members().get(local.index());
        List<Member> members = composite.members();
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            long memberOffset = Integer.toUnsignedLong(m.bitOffset());
            target.bitOffset += memberOffset;
            target.pushRaw(i);
            if (m.name().isEmpty()) {
                Type found = matchMember(local, m.type(), target);
                if (found != null) {
                    return found;
                }
            } else if (m.name().equals(localMember.name())) {
                if (!fieldsCompatible(localMember.type(), m.type())) {
                    return null;
                }
                target.accessors.add(new Accessor(composite, i, m.name()));
                return m.type();
            }
            target.bitOffset -= memberOffset;
            target.rawLength--;
        }
        return null;
    }

    /** libbpf's {@code bpf_core_fields_are_compat}. */
    private static boolean fieldsCompatible(Type localType, Type targetType) {
        Type l = localType;
        Type t = targetType;
        for (int depth = 0; depth <= MAX_LEVEL; depth++) {
            l = Types.underlying(l);
            t = Types.underlying(t);
            if (l instanceof Composite && t instanceof Composite) {
                return true;
            }
            if (!kindsCompatible(l.kind(), t.kind())) {
                return false;
            }
            switch (l.kind()) {
                case POINTER, FLOAT -> {
                    return true;
                }
                case FWD, ENUM, ENUM64 -> {
                    return l.name().isEmpty() || t.name().isEmpty() || essentialNamesEqual(l.name(), t.name());
                }
                case INT -> {
                    return ((Int) l).bitOffset() == 0 && ((Int) t).bitOffset() == 0;
                }
                case ARRAY -> {
                    l = ((Array) l).element();
                    t = ((Array) t).element();
                }
                default -> {
                    return false;
                }
            }
        }
        throw new BpfException("CO-RE field comparison of " + Types.describe(localType) + " nests too deeply");
    }

    /** libbpf's {@code bpf_core_types_are_compat}: the relation behind TYPE_EXISTS, TYPE_SIZE and TYPE_ID_TARGET. */
    private static boolean typesCompatible(Type localType, Type targetType, int level) {
        if (!kindsCompatible(localType.kind(), targetType.kind())) {
            return false;
        }
        Type l = localType;
        Type t = targetType;
        for (int depth = 1; ; depth++) {
            if (depth > MAX_LEVEL) {
                throw new BpfException("CO-RE type comparison of " + Types.describe(localType) + " nests too deeply");
            }
            l = Types.underlying(l);
            t = Types.underlying(t);
            if (!kindsCompatible(l.kind(), t.kind())) {
                return false;
            }
            switch (l.kind()) {
                case VOID, STRUCT, UNION, ENUM, ENUM64, FWD -> {
                    return true;
                }
                case INT -> {
                    return ((Int) l).bitOffset() == 0 && ((Int) t).bitOffset() == 0;
                }
                case POINTER -> {
                    l = ((Pointer) l).target();
                    t = ((Pointer) t).target();
                }
                case ARRAY -> {
                    l = ((Array) l).element();
                    t = ((Array) t).element();
                }
                case FUNC_PROTO -> {
                    FuncProto lp = (FuncProto) l;
                    FuncProto tp = (FuncProto) t;
                    if (lp.params().size() != tp.params().size()) {
                        return false;
                    }
                    for (int i = 0; i < lp.params().size(); i++) {
                        if (level <= 0) {
                            throw new BpfException("CO-RE type comparison of " + Types.describe(localType)
                                    + " nests too deeply");
                        }
                        if (!typesCompatible(Types.underlying(lp.params().get(i).type()),
                                Types.underlying(tp.params().get(i).type()), level - 1)) {
                            return false;
                        }
                    }
                    l = lp.returnType();
                    t = tp.returnType();
                }
                default -> {
                    return false;
                }
            }
        }
    }

    /** libbpf's {@code __bpf_core_types_match}: the relation behind TYPE_MATCHES. */
    private static boolean typesMatch(Type localType, Type targetType, boolean behindPointer, int level) {
        if (level <= 0) {
            throw new BpfException("CO-RE type match of " + Types.describe(localType) + " nests too deeply");
        }
        Type l = localType;
        Type t = targetType;
        boolean behind = behindPointer;
        for (int depth = 1; ; depth++) {
            if (depth > MAX_LEVEL) {
                throw new BpfException("CO-RE type match of " + Types.describe(localType) + " nests too deeply");
            }
            l = Types.underlying(l);
            t = Types.underlying(t);
            if (!namesMatch(l.name(), t.name())) {
                return false;
            }
            Kind lk = l.kind();
            Kind tk = t.kind();
            switch (lk) {
                case VOID -> {
                    return tk == Kind.VOID;
                }
                case FWD -> {
                    boolean localUnion = ((Fwd) l).target() == Fwd.Target.UNION;
                    if (lk == tk) {
                        return localUnion == (((Fwd) t).target() == Fwd.Target.UNION);
                    }
                    return behind && (tk == Kind.STRUCT && !localUnion || tk == Kind.UNION && localUnion);
                }
                case ENUM, ENUM64 -> {
                    return t instanceof Enumeration te && enumsMatch((Enumeration) l, te);
                }
                case STRUCT, UNION -> {
                    if (behind) {
                        if (lk == tk) {
                            return true;
                        }
                        return tk == Kind.FWD && (lk == Kind.UNION) == (((Fwd) t).target() == Fwd.Target.UNION);
                    }
                    return lk == tk && compositesMatch((Composite) l, (Composite) t, level);
                }
                case INT -> {
                    return lk == tk && ((Int) l).size() == ((Int) t).size()
                            && ((Int) l).isSigned() == ((Int) t).isSigned();
                }
                case POINTER -> {
                    if (lk != tk) {
                        return false;
                    }
                    behind = true;
                    l = ((Pointer) l).target();
                    t = ((Pointer) t).target();
                }
                case ARRAY -> {
                    if (lk != tk || ((Array) l).length() != ((Array) t).length()) {
                        return false;
                    }
                    l = ((Array) l).element();
                    t = ((Array) t).element();
                }
                case FUNC_PROTO -> {
                    if (lk != tk) {
                        return false;
                    }
                    FuncProto lp = (FuncProto) l;
                    FuncProto tp = (FuncProto) t;
                    if (lp.params().size() != tp.params().size()) {
                        return false;
                    }
                    for (int i = 0; i < lp.params().size(); i++) {
                        if (!typesMatch(lp.params().get(i).type(), tp.params().get(i).type(), behind, level - 1)) {
                            return false;
                        }
                    }
                    l = lp.returnType();
                    t = tp.returnType();
                }
                default -> {
                    return false;
                }
            }
        }
    }

    private static boolean enumsMatch(Enumeration local, Enumeration target) {
        if (local.size() != target.size() || local.values().size() > target.values().size()) {
            return false;
        }
        for (EnumValue lv : local.values()) {
            if (target.values().stream().noneMatch(tv -> namesMatch(lv.name(), tv.name()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean compositesMatch(Composite local, Composite target, int level) {
        if (local.members().size() > target.members().size()) {
            return false;
        }
        for (Member lm : local.members()) {
            boolean matched = false;
            for (Member tm : target.members()) {
                if (namesMatch(lm.name(), tm.name()) && typesMatch(lm.type(), tm.type(), false, level - 1)) {
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
        int xl = Spec.essentialLength(x, 0, x.length);
        int yl = Spec.essentialLength(y, 0, y.length);
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
                    unsafeSizeChange, c == null ? null : c.type(), c == null ? null : c.spec(),
                    c == null ? "" : c.source());
        }

        @Override
        public String toString() {
            return poison ? "failure" : "success " + targetValue;
        }
    }

    /** A field-based value for one side, with the memory access size and type behind it. */
    private record FieldValue(long value, int size, Type type, boolean validate) {}

    private static Values calculate(CoreRelocation relo, AccessSpec local, AccessSpec target) {
        CoreKind kind = relo.kind();
        if (kind.isFieldBased()) {
            FieldValue orig = fieldValue(relo, local);
            FieldValue updated = fieldValue(relo, target);
            if (updated == null) {
                return Values.poisoned();
            }
            boolean unsafe = false;
            if (orig.size() != updated.size()) {
                // Resizing the access is right only for pointers and unsigned integers (zero extension).
                Type o = orig.type();
                Type n = updated.type();
                boolean pointers = o instanceof Pointer && n instanceof Pointer;
                boolean unsignedInts = o instanceof Int oi && n instanceof Int ni
                        && oi.encoding() != Int.Encoding.SIGNED && ni.encoding() != Int.Encoding.SIGNED;
                unsafe = !pointers && !unsignedInts;
            }
            return new Values(false, orig.value(), updated.value(), orig.validate(), orig.size(), updated.size(), unsafe);
        }
        if (kind.isTypeBased()) {
            return new Values(false, typeValue(relo, local), target == null ? 0 : typeValue(relo, target),
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

    /** libbpf's {@code bpf_core_calc_field_relo}; {@code null} asks for poisoning. */
    private static FieldValue fieldValue(CoreRelocation relo, AccessSpec spec) {
        CoreKind kind = relo.kind();
        if (kind == CoreKind.FIELD_EXISTS) {
            return new FieldValue(spec == null ? 0 : 1, 0, null, true);
        }
        if (spec == null) {
            return null;
        }
        Accessor acc = spec.last();
        if (acc.name() == null) {
            // The path ends with an array index.
            if (kind == CoreKind.FIELD_BYTE_OFFSET) {
                return new FieldValue(spec.bitOffset / 8, (int) Types.sizeof(innermostElement(acc.type())), acc.type(), true);
            }
            if (kind == CoreKind.FIELD_BYTE_SIZE) {
                return new FieldValue(Types.sizeof(acc.type()), 0, null, true);
            }
            throw failure(relo, kind + " cannot be applied to an array element access");
        }
        Composite composite = (Composite) acc.type();
        Member m = composite.members().get(acc.index());
        Type fieldType = Types.underlying(m.type());
        long bitOffset = spec.bitOffset;
        long bitSize = m.bitfieldSize();
        boolean bitfield = bitSize > 0;
        long byteSize;
        long byteOffset;
        if (bitfield) {
            // The smallest naturally aligned integer load that covers the bitfield.
            byteSize = Types.sizeof(fieldType);
            byteOffset = bitOffset / 8 / byteSize * byteSize;
            while (bitOffset + bitSize - byteOffset * 8 > byteSize * 8) {
                if (byteSize >= 8) {
                    throw failure(relo, "bitfield " + m.name() + " cannot be read with a 64-bit load");
                }
                byteSize *= 2;
                byteOffset = bitOffset / 8 / byteSize * byteSize;
            }
        } else {
            byteSize = Types.sizeof(fieldType);
            byteOffset = bitOffset / 8;
            bitSize = byteSize * 8;
        }
        return switch (kind) {
            case FIELD_BYTE_OFFSET -> bitfield
                    ? new FieldValue(byteOffset, 0, null, false)
                    : new FieldValue(byteOffset, (int) Types.sizeof(innermostElement(fieldType)), fieldType, true);
            case FIELD_BYTE_SIZE -> new FieldValue(byteSize, 0, null, !bitfield);
            case FIELD_SIGNED -> new FieldValue(isSigned(fieldType) ? 1 : 0, 0, null, true);
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

    private static boolean isSigned(Type t) {
        return t instanceof Enumeration e && e.isSigned() || t instanceof Int i && i.isSigned();
    }

    private static long typeValue(CoreRelocation relo, AccessSpec spec) {
        return switch (relo.kind()) {
            case TYPE_ID_TARGET -> spec.rootId;
            case TYPE_EXISTS, TYPE_MATCHES -> 1;
            case TYPE_SIZE -> sizeOf(relo, spec.root);
            default -> throw new IllegalStateException("not a type kind: " + relo.kind());
        };
    }

    /** The enumerator's value as libbpf reads it: a 32-bit value sign-extended, a 64-bit one as is. */
    private static long enumValue(AccessSpec spec) {
        Accessor acc = spec.accessors.get(0);
        long value = ((Enumeration) acc.type()).values().get(acc.index()).value();
        return acc.type() instanceof Enum ? (int) value : value;
    }

    // -----------------------------------------------------------------------------------------------------------
    // Messages

    /** libbpf's spec notation: {@code [id] struct task_struct.real_parent (0:2 @ offset 2456)}. */
    private static String describe(AccessSpec spec) {
        StringBuilder s = new StringBuilder("[").append(spec.rootId).append("] ").append(Types.describe(spec.root));
        for (int i = 0; i < spec.accessors.size(); i++) {
            Accessor a = spec.accessors.get(i);
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

    private static BtfFormatException badAccess(CoreRelocation relo, String problem) {
        return new BtfFormatException("CO-RE relocation " + relo + ": invalid access string \"" + relo.accessor()
                + "\": " + problem);
    }

    private static BpfException failure(CoreRelocation relo, String problem) {
        return new BpfException("CO-RE relocation " + relo + ": " + problem);
    }
}
