package io.ebpf4j.btf;

import io.ebpf4j.BpfException;
import io.ebpf4j.BtfFormatException;
import io.ebpf4j.NotSupportedException;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.IntStream;

/**
 * A parsed BTF blob: the types of a kernel ({@code /sys/kernel/btf/vmlinux}), of a kernel module (split BTF on top of
 * vmlinux), or of a BPF object file's {@code .BTF} section.
 *
 * <p>Parsing makes one validating pass over the raw bytes and records where each type starts; {@link Type} objects
 * are created only when asked for ({@link #typeById}, {@link #typeByName}), together with everything they reference,
 * and cached. Names are indexed on the first lookup by name, from the string table, without creating types;
 * functions (most of a kernel's names) get their own index, built only when functions are looked up. What
 * parsing guarantees: every record lies inside the type section, every string offset inside the string table, every
 * referenced type id exists (in type headers and in members, parameters and variables alike, as libbpf checks), so
 * that {@link #rawType raw records} can be read without inflating anything. That no chain of typedefs, qualifiers,
 * pointers, arrays and variables loops back on itself, and kind-specific rules (integer encodings, a function's type
 * being a prototype...), are checked when a type is inflated; both kinds of failure are {@link BtfFormatException}s
 * with the byte offset of the culprit.
 *
 * <p>Type ids are those of the wire format: 0 is {@link Void}, a split spec's own types continue after its base's.
 * A spec is immutable and thread-safe; the types it hands out are shared, see {@link Type}.
 */
public final class Spec {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    static final int MAGIC = 0xeb9f;
    static final int HEADER_LEN = 24;
    private static final int HEADER_WITH_LAYOUT_LEN = 32;
    static final int TYPE_HEADER_LEN = 12;

    /** System property naming a raw BTF file to use instead of {@code /sys/kernel/btf/vmlinux}. */
    public static final String KERNEL_BTF_PROPERTY = "ebpf4j.btf.vmlinux";

    /** The blob with every multi-byte field in little-endian order (a swapped copy for big-endian input). */
    private final byte[] data;
    private final ByteOrder order;
    private final Spec base;
    private final int firstId;
    private final int count;
    /** Absolute byte offset in {@link #data} of each own type, indexed by {@code id - firstId}. */
    private final int[] offsets;
    /**
     * Indexes of the named own types: functions from the front (up to {@link #functionsEnd}), the other kinds from
     * {@link #othersStart} to the end. What the name indexes are built from.
     */
    private final int[] named;
    private final int functionsEnd;
    private final int othersStart;
    private final int strStart;
    private final int strLen;
    /** String offsets below this belong to the base spec. */
    private final int strBase;

    /** The types inflated so far; guarded by this spec's lock. */
    private final Inflater inflater;
    /** Name indexes, built on first use: one for functions (most of a kernel's names), one for all other kinds. */
    private volatile NameIndex functionNames;
    private volatile NameIndex otherNames;

    private Spec(byte[] data, ByteOrder order, Spec base, int firstId, Scan scan, int strStart, int strLen,
            int strBase) {
        this.data = data;
        this.order = order;
        this.base = base;
        this.firstId = firstId;
        this.count = scan.count;
        this.offsets = scan.offsets;
        this.named = scan.named;
        this.functionsEnd = scan.functionsEnd;
        this.othersStart = scan.othersStart;
        this.strStart = strStart;
        this.strLen = strLen;
        this.strBase = strBase;
        this.inflater = new Inflater(this, data, offsets, firstId, count);
    }

    /**
     * Parses a standalone BTF blob in either byte order. The spec keeps a reference to {@code raw} when it is in
     * little-endian order: do not modify the array afterwards.
     */
    public static Spec parse(byte[] raw) {
        return parse(raw, null);
    }

    /**
     * Parses split BTF, whose types and strings continue those of {@code base}: the format of kernel module BTF in
     * {@code /sys/kernel/btf/<module>}.
     */
    public static Spec parseSplit(byte[] raw, Spec base) {
        if (base == null) {
            throw new IllegalArgumentException("split BTF needs a base spec");
        }
        return parse(raw, base);
    }

    /** Parses a raw BTF file (such as a copy of {@code /sys/kernel/btf/vmlinux}). */
    public static Spec load(Path rawBtfFile) {
        try {
            return parse(Files.readAllBytes(rawBtfFile));
        } catch (IOException e) {
            throw new BpfException("cannot read BTF from " + rawBtfFile + ": " + e, e);
        }
    }

    /**
     * The running kernel's BTF, parsed once and cached. Read from the file named by the system property
     * {@value #KERNEL_BTF_PROPERTY} when set (for kernels without {@code /sys/kernel/btf}, e.g. a BTF file from
     * BTFHub), otherwise from {@code /sys/kernel/btf/vmlinux}.
     *
     * @throws NotSupportedException when the kernel exposes no BTF and no file was configured
     */
    public static Spec kernel() {
        return KernelBtf.vmlinux();
    }

    /**
     * The BTF of a loaded kernel module ({@code /sys/kernel/btf/<module>}), split on top of {@link #kernel()},
     * parsed once and cached; empty when the module is not loaded or has no BTF, or when a configured kernel BTF
     * file replaces {@code /sys/kernel/btf}.
     */
    public static Optional<Spec> kernelModule(String module) {
        return KernelBtf.module(module);
    }

    /** Names of the loaded kernel modules that have BTF, sorted; empty without {@code /sys/kernel/btf}. */
    public static List<String> kernelModules() {
        return KernelBtf.modules();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Parsing

    private static Spec parse(byte[] raw, Spec base) {
        if (raw.length < HEADER_LEN) {
            throw new BtfFormatException("BTF header truncated: " + raw.length + " bytes, need at least "
                    + HEADER_LEN, 0);
        }
        ByteOrder order;
        if ((raw[0] & 0xff) == 0x9f && (raw[1] & 0xff) == 0xeb) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if ((raw[0] & 0xff) == 0xeb && (raw[1] & 0xff) == 0x9f) {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new BtfFormatException(String.format("bad BTF magic 0x%02x%02x", raw[0] & 0xff, raw[1] & 0xff), 0);
        }
        if (raw[2] != 1) {
            throw new BtfFormatException("unsupported BTF version " + (raw[2] & 0xff), 2);
        }
        if (raw[3] != 0) {
            throw new BtfFormatException("unsupported BTF flags 0x" + Integer.toHexString(raw[3] & 0xff), 3);
        }
        long hdrLen = u32(raw, 4, order);
        if (hdrLen < HEADER_LEN || hdrLen > raw.length) {
            throw new BtfFormatException("BTF header length " + hdrLen + " outside [" + HEADER_LEN + ", "
                    + raw.length + "]", 4);
        }
        long typeOff = u32(raw, 8, order);
        long typeLen = u32(raw, 12, order);
        long strOff = u32(raw, 16, order);
        long strLen = u32(raw, 20, order);
        long typeStart = hdrLen + typeOff;
        long strStart = hdrLen + strOff;
        checkSection("type", typeStart, typeLen, raw.length, 8);
        checkSection("string", strStart, strLen, raw.length, 16);
        if (typeOff % 4 != 0) {
            throw new BtfFormatException("BTF type section offset " + typeOff + " is not 4-byte aligned", 8);
        }
        if (typeStart < strStart + strLen && strStart < typeStart + typeLen) {
            throw new BtfFormatException("BTF type and string sections overlap", 8);
        }
        if (hdrLen >= HEADER_WITH_LAYOUT_LEN) {
            // The optional kind layout section only describes kinds for parsers that do not know them; all kinds
            // this parser accepts are known, so it is validated and otherwise ignored.
            checkSection("layout", hdrLen + u32(raw, 24, order), u32(raw, 28, order), raw.length, 24);
        }
        if (base == null && (strLen == 0 || raw[(int) strStart] != 0)) {
            throw new BtfFormatException("BTF string section must start with an empty string", strStart);
        }
        if (strLen > 0 && raw[(int) (strStart + strLen - 1)] != 0) {
            throw new BtfFormatException("BTF string section is not NUL-terminated", strStart + strLen - 1);
        }

        byte[] data = raw;
        if (order == ByteOrder.BIG_ENDIAN) {
            // Every field of the type section is a 32-bit word: swapping them all lets one reader serve both orders.
            data = raw.clone();
            swapWords(data, (int) typeStart, (int) (typeStart + typeLen - typeLen % 4));
        }

        int firstId = base == null ? 1 : base.typeCount();
        int strBase = base == null ? 0 : base.stringsEnd();
        if (strBase + strLen > Integer.MAX_VALUE) {
            throw new BtfFormatException("split BTF string sections exceed 2 GiB", 16);
        }
        Scan scan = new Scan((int) (typeLen / TYPE_HEADER_LEN));
        scan.run(data, (int) typeStart, (int) (typeStart + typeLen), firstId, (int) (strBase + strLen));
        return new Spec(data, order, base, firstId, scan, (int) strStart, (int) strLen, strBase);
    }

    /** Checks that a section lies in the blob; {@code headerField} is the offset of its offset field. */
    private static void checkSection(String what, long start, long len, int total, int headerField) {
        if (start > total || len > total - start) {
            throw new BtfFormatException("BTF " + what + " section [" + start + ", " + (start + len)
                    + ") exceeds the blob of " + total + " bytes", start > total ? headerField : headerField + 4);
        }
    }

    private static long u32(byte[] raw, int offset, ByteOrder order) {
        int b0 = raw[offset] & 0xff, b1 = raw[offset + 1] & 0xff;
        int b2 = raw[offset + 2] & 0xff, b3 = raw[offset + 3] & 0xff;
        return order == ByteOrder.LITTLE_ENDIAN
                ? (b0 | b1 << 8 | b2 << 16 | (long) b3 << 24)
                : (b3 | b2 << 8 | b1 << 16 | (long) b0 << 24);
    }

    /** Byte-swaps the 32-bit words of {@code [from, to)}. */
    private static void swapWords(byte[] b, int from, int to) {
        for (int i = from; i + 4 <= to; i += 4) {
            byte t0 = b[i], t1 = b[i + 1];
            b[i] = b[i + 3];
            b[i + 1] = b[i + 2];
            b[i + 2] = t1;
            b[i + 3] = t0;
        }
    }

    static int readInt(byte[] data, int offset) {
        return (int) INT.get(data, offset);
    }

    /** Where the types are, found by one structural pass over the type section. */
    private static final class Scan {
        final int[] offsets;
        final int[] named;
        int count;
        int functionsEnd;
        int othersStart;

        /** Room for {@code maxTypes}: a type section holds at most one type per 12 bytes. */
        Scan(int maxTypes) {
            offsets = new int[maxTypes];
            named = new int[maxTypes];
            othersStart = maxTypes;
        }

        /**
         * Records each type's offset and checks that records fit, that kinds are known, and that every name and
         * type reference (of type headers and of their members, parameters, enumerators and variables) is in range,
         * as libbpf's sanity check does, so that raw records can be read without further checks. Running maxima
         * keep the loop free of error branches; the culprit is located only on failure.
         */
        void run(byte[] data, int start, int end, int firstId, int stringsEnd) {
            int n = 0;
            int maxName = 0;
            int maxRef = 0;
            int negative = 0;
            int pos = start;
            while (pos < end) {
                if (end - pos < TYPE_HEADER_LEN) {
                    throw new BtfFormatException("BTF type record truncated", pos);
                }
                int nameOff = readInt(data, pos);
                int info = readInt(data, pos + 4);
                int kind = (info >>> 24) & 0x7f;
                int vlen = info & 0xffffff;
                long extra;
                int ref = 0;
                switch (kind) {
                    case 1 -> extra = 4;
                    case 7, 16 -> extra = 0;
                    case 2, 8, 9, 10, 11, 12, 18 -> {
                        extra = 0;
                        ref = readInt(data, pos + 8);
                    }
                    case 3 -> {
                        extra = 12;
                        if (end - pos >= TYPE_HEADER_LEN + 12) {
                            int element = readInt(data, pos + TYPE_HEADER_LEN);
                            int index = readInt(data, pos + TYPE_HEADER_LEN + 4);
                            ref = (element | index) < 0 ? -1 : Math.max(element, index);
                        }
                    }
                    case 4, 5, 15, 19 -> extra = 12L * vlen;
                    case 6 -> extra = 8L * vlen;
                    case 13 -> {
                        extra = 8L * vlen;
                        ref = readInt(data, pos + 8);
                    }
                    case 14, 17 -> {
                        extra = 4;
                        ref = readInt(data, pos + 8);
                    }
                    default -> throw new BtfFormatException("unknown BTF kind " + kind + " for type id "
                            + (firstId + n), pos + 4);
                }
                if (TYPE_HEADER_LEN + extra > end - pos) {
                    throw new BtfFormatException("BTF type id " + (firstId + n) + " (" + Kind.ofWireValue(kind)
                            + ", vlen " + vlen + ") extends past the end of the type section", pos);
                }
                maxName = Math.max(maxName, nameOff);
                maxRef = Math.max(maxRef, ref);
                negative |= nameOff | ref;
                int body = pos + TYPE_HEADER_LEN;
                int stop = (int) (body + extra);
                switch (kind) {
                    case 4, 5, 13 -> {
                        int stride = kind == 13 ? 8 : 12;
                        for (int m = body; m < stop; m += stride) {
                            int name = readInt(data, m);
                            int type = readInt(data, m + 4);
                            maxName = Math.max(maxName, name);
                            maxRef = Math.max(maxRef, type);
                            negative |= name | type;
                        }
                    }
                    case 6, 19 -> {
                        int stride = kind == 6 ? 8 : 12;
                        for (int m = body; m < stop; m += stride) {
                            int name = readInt(data, m);
                            maxName = Math.max(maxName, name);
                            negative |= name;
                        }
                    }
                    case 15 -> {
                        for (int m = body; m < stop; m += 12) {
                            int type = readInt(data, m);
                            maxRef = Math.max(maxRef, type);
                            negative |= type;
                        }
                    }
                    default -> { }
                }
                if (nameOff != 0) {
                    if (kind == 12) {
                        named[functionsEnd++] = n;
                    } else {
                        named[--othersStart] = n;
                    }
                }
                offsets[n++] = pos;
                pos = stop;
            }
            if (negative < 0 || maxRef >= firstId + n || maxName >= stringsEnd) {
                locateBadReference(data, offsets, n, firstId, firstId + n, stringsEnd);
            }
            count = n;
        }
    }

    /** Slow path of {@link Scan#run}: finds and reports the first out-of-range name or type reference. */
    private static void locateBadReference(byte[] data, int[] offsets, int n, int firstId, int idLimit,
            int stringsEnd) {
        for (int i = 0; i < n; i++) {
            int pos = offsets[i];
            int id = firstId + i;
            checkString(readInt(data, pos), id, stringsEnd, pos);
            int info = readInt(data, pos + 4);
            int vlen = info & 0xffffff;
            int body = pos + TYPE_HEADER_LEN;
            switch ((info >>> 24) & 0x7f) {
                case 2, 8, 9, 10, 11, 12, 14, 17, 18 -> checkRef(readInt(data, pos + 8), id, idLimit, pos + 8);
                case 3 -> {
                    checkRef(readInt(data, body), id, idLimit, body);
                    checkRef(readInt(data, body + 4), id, idLimit, body + 4);
                }
                case 4, 5 -> {
                    for (int m = body; m < body + 12 * vlen; m += 12) {
                        checkString(readInt(data, m), id, stringsEnd, m);
                        checkRef(readInt(data, m + 4), id, idLimit, m + 4);
                    }
                }
                case 13 -> {
                    checkRef(readInt(data, pos + 8), id, idLimit, pos + 8);
                    for (int m = body; m < body + 8 * vlen; m += 8) {
                        checkString(readInt(data, m), id, stringsEnd, m);
                        checkRef(readInt(data, m + 4), id, idLimit, m + 4);
                    }
                }
                case 6, 19 -> {
                    int stride = (info >>> 24 & 0x7f) == 6 ? 8 : 12;
                    for (int m = body; m < body + stride * vlen; m += stride) {
                        checkString(readInt(data, m), id, stringsEnd, m);
                    }
                }
                case 15 -> {
                    for (int m = body; m < body + 12 * vlen; m += 12) {
                        checkRef(readInt(data, m), id, idLimit, m);
                    }
                }
                default -> { }
            }
        }
        throw new IllegalStateException("out-of-range reference not found"); // Scan.run saw one
    }

    private static void checkString(int offset, int id, int stringsEnd, int at) {
        if (Integer.compareUnsigned(offset, stringsEnd) >= 0) {
            throw new BtfFormatException("BTF type id " + id + ": string offset " + Integer.toUnsignedString(offset)
                    + " is past the end of the string section (" + stringsEnd + " bytes)", at);
        }
    }

    private static void checkRef(int ref, int id, int idLimit, int at) {
        if (Integer.compareUnsigned(ref, idLimit) >= 0) {
            throw new BtfFormatException("BTF type id " + id + " refers to type id " + Integer.toUnsignedString(ref)
                    + ", but the last type id is " + (idLimit - 1), at);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Raw accessors

    /** The byte order of the parsed blob. */
    public ByteOrder byteOrder() {
        return order;
    }

    /** The spec this split spec extends, if any. */
    public Optional<Spec> base() {
        return Optional.ofNullable(base);
    }

    /** One more than the highest type id, counting {@link Void} (id 0) and the base spec's types. */
    public int typeCount() {
        return firstId + count;
    }

    /** The lowest id of this spec's own types: 1, or the base's {@link #typeCount()} for split BTF. */
    public int firstTypeId() {
        return firstId;
    }

    /** The ids of this spec's own types, ascending (without the base's and without void). */
    public IntStream typeIds() {
        return IntStream.range(firstId, firstId + count);
    }

    /**
     * The record of a type as stored, read without inflating it or anything it references: for walks over many
     * types (libbpf's {@code btf__type_by_id}). Id 0 gives {@link Void}'s all-zero record.
     *
     * @throws IllegalArgumentException for ids outside [0, {@link #typeCount()})
     */
    public RawType rawType(int id) {
        if (id < firstId) {
            return id == 0 ? RawType.voidType(this) : baseOf(id).rawType(id);
        }
        return RawType.of(this, data, offsets[index(id)], id);
    }

    /** The kind of a type, without inflating it. */
    public Kind kindOf(int id) {
        return rawType(id).kind();
    }

    /** The name of a type (empty if anonymous), without inflating it. */
    public String nameOf(int id) {
        return rawType(id).name();
    }

    private Spec baseOf(int id) {
        if (id < 0 || base == null) {
            throw new IllegalArgumentException("type id " + id + " out of range [0, " + typeCount() + ")");
        }
        return base;
    }

    private int index(int id) {
        int i = id - firstId;
        if (i < 0 || i >= count) {
            throw new IllegalArgumentException("type id " + id + " out of range [0, " + typeCount() + ")");
        }
        return i;
    }

    private int rawKind(int index) {
        return (readInt(data, offsets[index] + 4) >>> 24) & 0x7f;
    }

    /** The NUL-terminated string at {@code offset} in the string section (for split specs, the base's first). */
    public String string(int offset) {
        if (offset < strBase) {
            if (offset < 0) {
                throw new IllegalArgumentException("string offset " + Integer.toUnsignedString(offset)
                        + " past the end of the string section");
            }
            return base.string(offset);
        }
        int local = offset - strBase;
        if (local >= strLen) {
            throw new IllegalArgumentException("string offset " + offset + " past the end of the string section ("
                    + stringsEnd() + " bytes)");
        }
        int from = strStart + local;
        int to = from;
        while (data[to] != 0) {
            to++;
        }
        return new String(data, from, to - from, StandardCharsets.UTF_8);
    }

    /** Whether {@code offset} is a valid string offset. */
    boolean isValidString(int offset) {
        return offset >= 0 && offset < stringsEnd();
    }

    /** One past the last valid string offset, counting the base's strings. */
    int stringsEnd() {
        return strBase + strLen;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Types by id

    /**
     * The type with this id, inflated with everything it references on first use.
     *
     * @throws IllegalArgumentException for ids outside [0, {@link #typeCount()})
     * @throws BtfFormatException when the type or one it references breaks a kind-specific rule
     */
    public Type typeById(int id) {
        if (id < firstId) {
            return id == 0 ? Void.INSTANCE : baseOf(id).typeById(id);
        }
        int index = index(id);
        synchronized (this) {
            return inflater.type(index);
        }
    }

    /**
     * The id of a type inflated by this spec (or its base).
     *
     * @throws IllegalArgumentException when the type did not come from this spec
     */
    public int typeId(Type type) {
        if (type == Void.INSTANCE) {
            return 0;
        }
        int id;
        synchronized (this) {
            id = inflater.idOf(type);
        }
        if (id >= 0) {
            return id;
        }
        if (base != null) {
            return base.typeId(type);
        }
        throw new IllegalArgumentException("type " + type + " is not part of this BTF spec");
    }

    /** Whether {@code type} was inflated by this spec or its base. */
    public boolean contains(Type type) {
        if (type == Void.INSTANCE) {
            return true;
        }
        synchronized (this) {
            if (inflater.idOf(type) >= 0) {
                return true;
            }
        }
        return base != null && base.contains(type);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Types by name

    /**
     * The type with this exact name whose class is {@code kind} or a subtype of it ({@code Struct.class},
     * {@code Composite.class}, {@code Type.class} for any kind), searching the base spec too.
     *
     * @return empty when there is none
     * @throws BpfException when several types match: use {@link #typesByName(String)} to choose
     */
    public <T extends Type> Optional<T> typeByName(String name, Class<T> kind) {
        OptionalInt id = typeIdByName(name, kind);
        return id.isEmpty() ? Optional.empty() : Optional.of(kind.cast(typeById(id.getAsInt())));
    }

    /**
     * The id of the type {@link #typeByName(String, Class)} finds, without inflating it: what a kernel type is
     * referred to by (attach targets, kfuncs, ksyms), and where to start a {@linkplain #rawType raw} walk.
     *
     * @return empty when there is none
     * @throws BpfException when several types match
     */
    public OptionalInt typeIdByName(String name, Class<? extends Type> kind) {
        int mask = Kind.maskOf(kind);
        int found = -1;
        for (Spec s = this; s != null; s = s.base) {
            for (int id : s.idsByName(name, mask)) {
                if ((mask & 1 << s.rawKind(id - s.firstId)) != 0) {
                    if (found >= 0) {
                        throw new BpfException("several BTF types named '" + name + "' of kind "
                                + kind.getSimpleName() + ": ids " + found + " and " + id);
                    }
                    found = id;
                }
            }
        }
        return found < 0 ? OptionalInt.empty() : OptionalInt.of(found);
    }

    /** All types with this exact name, of any kind, by ascending id (base spec first). */
    public List<Type> typesByName(String name) {
        List<Spec> chain = new ArrayList<>();
        for (Spec s = this; s != null; s = s.base) {
            chain.add(0, s);
        }
        List<Type> types = new ArrayList<>();
        for (Spec s : chain) {
            for (int id : s.idsByName(name, Kind.maskOf(Type.class))) {
                types.add(s.typeById(id));
            }
        }
        return types;
    }

    /** Own type ids named {@code name}, ascending, from the indexes that cover the kinds in {@code kindMask}. */
    private int[] idsByName(String name, int kindMask) {
        boolean functions = (kindMask & FUNC_MASK) != 0;
        boolean others = (kindMask & ~FUNC_MASK) != 0;
        if (functions && others) {
            int[] a = nameIndex(true).exact(name);
            int[] b = nameIndex(false).exact(name);
            int[] all = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            Arrays.sort(all);
            return all;
        }
        return nameIndex(functions).exact(name);
    }

    private static final int FUNC_MASK = 1 << Kind.FUNC.wireValue();

    /**
     * Ids of this spec's own types (not the base's) of kinds indexed like {@code kind} whose essential name (the
     * name without a {@code ___flavor} suffix) equals that of {@code name}, by ascending id: CO-RE candidates.
     */
    int[] idsByEssentialName(String name, Kind kind) {
        return nameIndex(kind == Kind.FUNC).essential(name);
    }

    private NameIndex nameIndex(boolean functions) {
        NameIndex index = functions ? functionNames : otherNames;
        if (index == null) {
            synchronized (this) {
                index = functions ? functionNames : otherNames;
                if (index == null) {
                    index = new NameIndex(this, functions);
                    if (functions) {
                        functionNames = index;
                    } else {
                        otherNames = index;
                    }
                }
            }
        }
        return index;
    }

    /** Own type indexes of the named types: functions in {@code [0, functionsEnd())}, the rest after. */
    int[] namedIndexes() {
        return named;
    }

    int functionsEnd() {
        return functionsEnd;
    }

    int othersStart() {
        return othersStart;
    }

    int ownTypeCount() {
        return count;
    }

    /** The name offset of the own type at {@code index}. */
    int nameOffsetAt(int index) {
        return readInt(data, offsets[index]);
    }

    /** The bytes of the string table (this spec's or a base's) that holds the string at {@code offset}. */
    byte[] stringBytes(int offset) {
        return stringOwner(offset).data;
    }

    /** Where in {@link #stringBytes} the string at {@code offset} starts. */
    int stringPosition(int offset) {
        Spec owner = stringOwner(offset);
        return owner.strStart + offset - owner.strBase;
    }

    /** The spec (this or a base) whose string section holds {@code offset}. */
    private Spec stringOwner(int offset) {
        Spec owner = this;
        while (offset < owner.strBase) {
            owner = owner.base;
        }
        return owner;
    }

    @Override
    public String toString() {
        return "BTF spec (" + count + " types from id " + firstId + ", " + order + ")";
    }
}
