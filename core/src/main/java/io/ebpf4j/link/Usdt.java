package io.ebpf4j.link;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.MapType;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.features.Features;
import io.ebpf4j.internal.elf.ElfFile;
import io.ebpf4j.internal.elf.Note;
import io.ebpf4j.internal.elf.Section;
import io.ebpf4j.internal.sys.Arch;
import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.Errno;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * USDT (SystemTap SDT) probes: the {@code .note.stapsdt} notes of an executable, their argument locations, and
 * the argument spec records that libbpf's {@code usdt.bpf.h} reads from its {@code __bpf_usdt_specs} map (the
 * program finds its record through the BPF cookie, which holds the record's index).
 */
final class Usdt {
    static final String SPECS_MAP = "__bpf_usdt_specs";
    static final int MAX_ARGUMENTS = 12;

    private static final String NOTE_SECTION = ".note.stapsdt";
    private static final String BASE_SECTION = ".stapsdt.base";
    private static final String NOTE_OWNER = "stapsdt";
    private static final int NOTE_TYPE = 3;

    /** {@code enum __bpf_usdt_arg_type}. */
    static final int ARG_CONST = 0;
    static final int ARG_REG = 1;
    static final int ARG_REG_DEREF = 2;
    static final int ARG_SIB = 3;

    /**
     * {@code struct __bpf_usdt_spec} sizes: usdt.bpf.h up to libbpf 1.6 has 16-byte argument records; libbpf 1.7
     * added scaled-index arguments and grew them to 24 bytes. The map's value size tells which one a program has.
     */
    static final int SPEC_SIZE_LEGACY = 208;
    static final int SPEC_SIZE_SIB = 304;

    private Usdt() {}

    /** A probe site: {@code fileOffset} is where the uprobe goes, {@code semaphoreOffset} 0 when it has none. */
    record Probe(String provider, String name, long fileOffset, long semaphoreOffset, String arguments) {
        String fullName() {
            return provider + ":" + name;
        }
    }

    /**
     * Where one argument lives when the probe fires ({@code struct __bpf_usdt_arg_spec}).
     *
     * @param valueOffset the constant, or the displacement added to the register for memory operands
     * @param registerOffset offset of the base register in {@code struct pt_regs}
     * @param indexRegisterOffset offset of the index register in {@code struct pt_regs} (scaled-index operands)
     * @param scaleShift log2 of the index scale
     * @param bitShift 64 minus the argument's size in bits: how far to shift to truncate and sign-extend
     */
    record Argument(int kind, long valueOffset, int registerOffset, int indexRegisterOffset, int scaleShift,
            boolean signed, int bitShift) {}

    /** Attaches {@code program} at every site of probe {@code provider:name}; see {@link Links#usdt}. */
    static BpfLink attach(Executable target, String provider, String name, BpfProgram program,
            UsdtOptions options) {
        String probeName = provider + ":" + name;
        String description = "usdt " + target.path() + ":" + probeName
                + (options.pid() > 0 ? " in pid " + options.pid() : "") + " <- " + Attachments.describe(program);
        if (!Features.hasPerfLink()) {
            throw new NotSupportedException("usdt", description + ": USDT argument specs are passed through BPF"
                    + " cookies, which need perf_event bpf_links (Linux 5.15+)");
        }
        List<Probe> sites = new ArrayList<>();
        List<Probe> all = probes(target);
        for (Probe probe : all) {
            if (probe.provider().equals(provider) && probe.name().equals(name)) {
                sites.add(probe);
            }
        }
        if (sites.isEmpty()) {
            throw new BpfException("no USDT probe " + probeName + " in " + target.path() + (all.isEmpty()
                    ? " (it has no " + NOTE_SECTION + " section)"
                    : "; it has " + all.stream().map(Probe::fullName).distinct().limit(20).toList()), Errno.ENOENT);
        }
        try (BpfMap specs = specsMap(program)) {
            int mapId = specs.info().id();
            Map<List<Argument>, Integer> slots = new HashMap<>();
            List<BpfLink> parts = new ArrayList<>();
            try {
                for (Probe site : sites) {
                    List<Argument> arguments = parseArguments(site.arguments(), Arch.current(), probeName);
                    // Sites with the same argument locations share a spec slot, as in libbpf.
                    Integer slot = slots.get(arguments);
                    if (slot == null) {
                        slot = allocateSlot(mapId, specs.maxEntries(), probeName);
                        slots.put(arguments, slot);
                        specs.put(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, slot).array(),
                                encode(arguments, options.cookie(), specs.valueSize(), probeName));
                    }
                    String siteDescription = description + " at 0x" + Long.toHexString(site.fileOffset());
                    Probes.ProbeEvent probe = Probes.uprobe(target.path().toString(), site.fileOffset(),
                            site.semaphoreOffset(), false, options.pid(), siteDescription);
                    parts.add(PerfEvents.attachWithLink(program, probe.event(), slot, siteDescription,
                            probe.tracefsEvent()));
                }
            } catch (RuntimeException e) {
                for (BpfLink part : parts) {
                    Attachments.closeQuietly(part, e);
                }
                releaseSlots(mapId, slots.values());
                throw e;
            }
            List<Integer> used = List.copyOf(slots.values());
            return new LinkGroup(parts, description, () -> releaseSlots(mapId, used));
        }
    }

    /** The program's specs map, found by name among the maps it uses (the kernel keeps 15 characters). */
    private static BpfMap specsMap(BpfProgram program) {
        String truncated = SPECS_MAP.substring(0, Bpf.OBJ_NAME_LEN - 1);
        for (int id : program.info().mapIds()) {
            BpfMap map = BpfMap.fromId(id);
            if (map.type() == MapType.ARRAY && (map.name().equals(SPECS_MAP) || map.name().equals(truncated))) {
                return map;
            }
            map.close();
        }
        throw new BpfException(Attachments.describe(program) + " does not use a " + SPECS_MAP + " map: USDT programs"
                + " read their arguments with libbpf's usdt.bpf.h (bpf_usdt_arg), which defines it");
    }

    /** Every probe site in the file. */
    static List<Probe> probes(Executable executable) {
        ElfFile elf = executable.elf();
        Section notes = elf.section(NOTE_SECTION).orElse(null);
        if (notes == null) {
            return List.of();
        }
        if (notes.type() != Section.SHT_NOTE) {
            throw new BpfException("malformed " + executable.path() + ": " + NOTE_SECTION + " is not a note section");
        }
        long base = elf.section(BASE_SECTION).map(Section::address).orElse(0L);
        List<Probe> probes = new ArrayList<>();
        for (Note note : elf.notes(notes)) {
            if (!note.owner().equals(NOTE_OWNER) || note.type() != NOTE_TYPE) {
                continue;
            }
            ByteBuffer d = note.descriptor();
            if (d.remaining() < 3 * 8 + 3) {
                throw new BpfException("truncated USDT note in " + executable.path());
            }
            long location = d.getLong(0);
            long noteBase = d.getLong(8);
            long semaphore = d.getLong(16);
            String[] strings = strings(d, 24, executable);
            // Prelinking moves the code; the note recorded the .stapsdt.base address it was linked against.
            long adjustment = base != 0 && noteBase != 0 ? base - noteBase : 0;
            String where = strings[0] + ":" + strings[1] + " in " + executable.path();
            long fileOffset = executable.fileOffset(location + adjustment, true).orElseThrow(() ->
                    new BpfException("USDT probe " + where + " at 0x" + Long.toHexString(location)
                            + " lies in no executable segment"));
            long semaphoreOffset = 0;
            if (semaphore != 0) {
                semaphoreOffset = executable.fileOffset(semaphore + adjustment, false).orElseThrow(() ->
                        new BpfException("the semaphore of USDT probe " + where + " at 0x"
                                + Long.toHexString(semaphore) + " lies in no data segment"));
            }
            String arguments = strings[2].startsWith(":") ? "" : strings[2];
            probes.add(new Probe(strings[0], strings[1], fileOffset, semaphoreOffset, arguments));
        }
        return probes;
    }

    /** Provider, name and argument string: three NUL-terminated strings. */
    private static String[] strings(ByteBuffer d, int start, Executable executable) {
        String[] out = new String[3];
        int position = start;
        for (int i = 0; i < 3; i++) {
            int end = position;
            while (end < d.limit() && d.get(end) != 0) {
                end++;
            }
            if (end >= d.limit() && i < 2) {
                throw new BpfException("malformed USDT note in " + executable.path()
                        + ": provider or name is not NUL-terminated");
            }
            byte[] bytes = new byte[end - position];
            d.get(position, bytes);
            out[i] = new String(bytes, StandardCharsets.UTF_8);
            position = end + 1;
        }
        if (out[0].isEmpty() || out[1].isEmpty()) {
            throw new BpfException("malformed USDT note in " + executable.path() + ": empty provider or name");
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Argument locations, as the assembler writes them into the note: "-4@%edi 8@-8(%rbp) 4@$5" on x86_64,
    // "-4@x0 8@[sp, 16] 4@5" on arm64. The first number is the size in bytes, negative when signed.

    private static final Pattern X86_SIB = Pattern.compile(
            "(-?\\d+)@(-?\\d+)?\\(%(\\w+),%(\\w+)(?:,(\\d+))?\\)");
    private static final Pattern X86_DEREF = Pattern.compile("(-?\\d+)@(-?\\d+)?\\(%(\\w+)\\)");
    private static final Pattern X86_REG = Pattern.compile("(-?\\d+)@%(\\w+)");
    private static final Pattern X86_CONST = Pattern.compile("(-?\\d+)@\\$(-?\\d+)");
    private static final Pattern ARM_DEREF = Pattern.compile("(-?\\d+)@\\[(\\w+)(?:,(-?\\d+))?\\]");
    private static final Pattern ARM_CONST = Pattern.compile("(-?\\d+)@(-?\\d+)");
    private static final Pattern ARM_REG = Pattern.compile("(-?\\d+)@(\\w+)");

    /** {@code struct pt_regs} offsets of the x86_64 registers under all their names. */
    private static final Map<String, Integer> X86_REGISTERS = new HashMap<>();

    static {
        Object[][] table = {
            {128, "rip", "eip"},
            {80, "rax", "eax", "ax", "al"},
            {40, "rbx", "ebx", "bx", "bl"},
            {88, "rcx", "ecx", "cx", "cl"},
            {96, "rdx", "edx", "dx", "dl"},
            {104, "rsi", "esi", "si", "sil"},
            {112, "rdi", "edi", "di", "dil"},
            {32, "rbp", "ebp", "bp", "bpl"},
            {152, "rsp", "esp", "sp", "spl"},
        };
        for (Object[] row : table) {
            for (int i = 1; i < row.length; i++) {
                X86_REGISTERS.put((String) row[i], (Integer) row[0]);
            }
        }
        int[] offsets = {72, 64, 56, 48, 24, 16, 8, 0}; // r8 .. r15
        for (int n = 8; n <= 15; n++) {
            for (String suffix : new String[] {"", "d", "w", "b"}) {
                X86_REGISTERS.put("r" + n + suffix, offsets[n - 8]);
            }
        }
    }

    /** Parses a note's argument string for {@code arch}. */
    static List<Argument> parseArguments(String text, Arch arch, String probe) {
        List<Argument> arguments = new ArrayList<>();
        for (String token : tokens(text)) {
            if (arguments.size() == MAX_ARGUMENTS) {
                throw new BpfException("USDT probe " + probe + " has more than " + MAX_ARGUMENTS + " arguments: "
                        + text);
            }
            arguments.add(arch == Arch.X86_64 ? parseX86(token, probe) : parseArm64(token, probe));
        }
        return arguments;
    }

    /** Splits on blanks outside parentheses and brackets, and drops blanks inside them. */
    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        for (char c : text.toCharArray()) {
            if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                depth--;
            }
            if (Character.isWhitespace(c)) {
                if (depth == 0 && current.length() > 0) {
                    tokens.add(current.toString());
                    current.setLength(0);
                }
                continue;
            }
            current.append(c);
        }
        if (current.length() > 0) {
            tokens.add(current.toString());
        }
        return tokens;
    }

    private static Argument parseX86(String token, String probe) {
        Matcher m;
        if ((m = X86_SIB.matcher(token)).matches()) {
            long scale = m.group(5) == null ? 1 : number(m.group(5), token, probe);
            int shift = Long.numberOfTrailingZeros(scale);
            if (scale != 1L << shift || shift > 3) {
                throw new BpfException("USDT probe " + probe + ": invalid index scale " + scale + " in '" + token
                        + "'");
            }
            return argument(m.group(1), ARG_SIB, displacement(m.group(2), token, probe),
                    x86Register(m.group(3), token, probe), x86Register(m.group(4), token, probe), shift, token, probe);
        }
        if ((m = X86_DEREF.matcher(token)).matches()) {
            return argument(m.group(1), ARG_REG_DEREF, displacement(m.group(2), token, probe),
                    x86Register(m.group(3), token, probe), 0, 0, token, probe);
        }
        if ((m = X86_REG.matcher(token)).matches()) {
            return argument(m.group(1), ARG_REG, 0, x86Register(m.group(2), token, probe), 0, 0, token, probe);
        }
        if ((m = X86_CONST.matcher(token)).matches()) {
            return argument(m.group(1), ARG_CONST, number(m.group(2), token, probe), 0, 0, 0, token, probe);
        }
        throw new BpfException("USDT probe " + probe + ": unrecognized argument '" + token + "'");
    }

    private static Argument parseArm64(String token, String probe) {
        Matcher m;
        if ((m = ARM_DEREF.matcher(token)).matches()) {
            return argument(m.group(1), ARG_REG_DEREF, displacement(m.group(3), token, probe),
                    arm64Register(m.group(2), token, probe), 0, 0, token, probe);
        }
        if ((m = ARM_CONST.matcher(token)).matches()) {
            return argument(m.group(1), ARG_CONST, number(m.group(2), token, probe), 0, 0, 0, token, probe);
        }
        if ((m = ARM_REG.matcher(token)).matches()) {
            return argument(m.group(1), ARG_REG, 0, arm64Register(m.group(2), token, probe), 0, 0, token, probe);
        }
        throw new BpfException("USDT probe " + probe + ": unrecognized argument '" + token + "'");
    }

    private static long displacement(String group, String token, String probe) {
        return group == null ? 0 : number(group, token, probe);
    }

    /** A decimal number the pattern matched; the assembler never writes one beyond 64 bits. */
    private static long number(String digits, String token, String probe) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new BpfException("USDT probe " + probe + ": number " + digits + " out of range in '" + token + "'");
        }
    }

    private static int x86Register(String name, String token, String probe) {
        Integer offset = X86_REGISTERS.get(name);
        if (offset == null) {
            throw new BpfException("USDT probe " + probe + ": unknown register %" + name + " in '" + token + "'");
        }
        return offset;
    }

    /** {@code struct user_pt_regs}: x0..x30, then sp. */
    private static int arm64Register(String name, String token, String probe) {
        if (name.equals("sp")) {
            return 31 * 8;
        }
        if (name.matches("x([0-9]|[12][0-9]|30)")) {
            return Integer.parseInt(name.substring(1)) * 8;
        }
        throw new BpfException("USDT probe " + probe + ": unknown register " + name + " in '" + token + "'");
    }

    private static Argument argument(String size, int kind, long valueOffset, int register, int indexRegister,
            int scaleShift, String token, String probe) {
        long bytes = number(size, token, probe);
        long magnitude = Math.abs(bytes);
        if (magnitude != 1 && magnitude != 2 && magnitude != 4 && magnitude != 8) {
            throw new BpfException("USDT probe " + probe + ": unsupported argument size " + bytes + " in '" + token
                    + "'");
        }
        return new Argument(kind, valueOffset, register, indexRegister, scaleShift, bytes < 0,
                64 - 8 * (int) magnitude);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The spec record and its slots in the specs map.

    /** {@code struct __bpf_usdt_spec} in the layout that matches the map's value size. */
    static byte[] encode(List<Argument> arguments, long cookie, int valueSize, String probe) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new BpfException("USDT argument specs are only encoded for little-endian machines");
        }
        boolean sib = valueSize == SPEC_SIZE_SIB;
        if (!sib && valueSize != SPEC_SIZE_LEGACY) {
            throw new BpfException("the " + SPECS_MAP + " map has " + valueSize + "-byte values; libbpf's"
                    + " usdt.bpf.h has " + SPEC_SIZE_LEGACY + " (libbpf up to 1.6) or " + SPEC_SIZE_SIB + " (1.7+)");
        }
        int record = sib ? 24 : 16;
        ByteBuffer b = ByteBuffer.allocate(valueSize).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < arguments.size(); i++) {
            Argument a = arguments.get(i);
            int at = i * record;
            b.putLong(at, a.valueOffset());
            if (sib) {
                b.put(at + 8, (byte) a.kind());
                b.putShort(at + 10, (short) (a.indexRegisterOffset() & 0xfff | a.scaleShift() << 12));
                b.putShort(at + 14, (short) a.registerOffset());
                b.put(at + 16, (byte) (a.signed() ? 1 : 0));
                b.put(at + 17, (byte) a.bitShift());
            } else {
                if (a.kind() == ARG_SIB) {
                    throw new BpfException("USDT probe " + probe + " has a scaled-index argument, which the"
                            + " program's usdt.bpf.h predates: build it with libbpf 1.7 or later");
                }
                b.putInt(at + 8, a.kind());
                b.putShort(at + 12, (short) a.registerOffset());
                b.put(at + 14, (byte) (a.signed() ? 1 : 0));
                b.put(at + 15, (byte) a.bitShift());
            }
        }
        int tail = MAX_ARGUMENTS * record;
        b.putLong(tail, cookie);
        b.putShort(tail + 8, (short) arguments.size());
        return b.array();
    }

    /**
     * Free slots of each specs map, by map id. Slots are handed out to the USDT links of this process and given
     * back when they close.
     */
    private static final Map<Integer, BitSet> USED_SLOTS = new HashMap<>();

    static synchronized int allocateSlot(int mapId, int capacity, String probe) {
        BitSet used = USED_SLOTS.computeIfAbsent(mapId, id -> new BitSet());
        int slot = used.nextClearBit(0);
        if (slot >= capacity) {
            throw new BpfException("no free slot in the " + SPECS_MAP + " map (" + capacity + " entries) for USDT"
                    + " probe " + probe + ": raise BPF_USDT_MAX_SPEC_CNT in the BPF program");
        }
        used.set(slot);
        return slot;
    }

    static synchronized void releaseSlots(int mapId, Iterable<Integer> slots) {
        BitSet used = USED_SLOTS.get(mapId);
        if (used == null) {
            return;
        }
        for (int slot : slots) {
            used.clear(slot);
        }
        if (used.isEmpty()) {
            USED_SLOTS.remove(mapId);
        }
    }
}
