package io.ebpf4j.btf;

import io.ebpf4j.BtfFormatException;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed {@code .BTF.ext} section of a BPF object: per ELF code section, the function records
 * ({@code bpf_func_info}), source line records ({@code bpf_line_info}) and CO-RE relocation records, with type ids
 * and string offsets resolved against the object's {@code .BTF} {@link Spec}.
 *
 * <p>Instruction offsets are in bytes from the start of the ELF section, as the file stores them. The kernel wants
 * per-program records with offsets in instructions: {@link #marshalFuncInfos} and {@link #marshalLineInfos} write
 * those, once the loader has rebased the records on the program it assembled.
 */
public final class ExtInfo {
    /** Size of a {@code bpf_func_info} record as the kernel expects it. */
    public static final int FUNC_INFO_SIZE = 8;
    /** Size of a {@code bpf_line_info} record as the kernel expects it. */
    public static final int LINE_INFO_SIZE = 16;

    private static final int MIN_HEADER_LEN = 24;
    private static final int CORE_HEADER_LEN = 32;
    private static final int CORE_RELO_SIZE = 16;
    private static final int MAX_LINE_NUMBER = (1 << 22) - 1;
    private static final int MAX_COLUMN = (1 << 10) - 1;

    /**
     * The records of one ELF code section.
     *
     * @param name the ELF section name, e.g. {@code "socket"}, {@code ".text"}
     */
    public record Section(String name, List<FuncInfo> funcInfos, List<LineInfo> lineInfos,
            List<CoreRelocation> coreRelocations) {
        public Section {
            funcInfos = List.copyOf(funcInfos);
            lineInfos = List.copyOf(lineInfos);
            coreRelocations = List.copyOf(coreRelocations);
        }
    }

    private final Map<String, Section> sections;

    private ExtInfo(Map<String, Section> sections) {
        this.sections = Collections.unmodifiableMap(sections);
    }

    /**
     * Parses {@code .BTF.ext}.
     *
     * @param order the object's byte order (from the ELF header); the section's magic must agree with it
     * @param spec the object's parsed {@code .BTF}, which the records refer to
     * @throws BtfFormatException for malformed data, with the byte offset in {@code ext}
     */
    public static ExtInfo parse(byte[] ext, ByteOrder order, Spec spec) {
        Reader r = new Reader(ext, order);
        if (ext.length < 8) {
            throw new BtfFormatException(".BTF.ext header truncated: " + ext.length + " bytes", 0);
        }
        int magic = r.u16(0);
        if (magic != Spec.MAGIC) {
            throw new BtfFormatException(magic == Integer.reverseBytes(Spec.MAGIC) >>> 16
                    ? ".BTF.ext is not in the object's byte order (" + order + ")"
                    : String.format("bad .BTF.ext magic 0x%04x", magic), 0);
        }
        if (ext[2] != 1) {
            throw new BtfFormatException("unsupported .BTF.ext version " + (ext[2] & 0xff), 2);
        }
        if (ext[3] != 0) {
            throw new BtfFormatException("unsupported .BTF.ext flags 0x" + Integer.toHexString(ext[3] & 0xff), 3);
        }
        long headerLen = r.u32(4);
        if (headerLen < MIN_HEADER_LEN || headerLen > ext.length) {
            throw new BtfFormatException(".BTF.ext header length " + headerLen + " outside [" + MIN_HEADER_LEN + ", "
                    + ext.length + "]", 4);
        }
        Map<String, List<FuncInfo>> funcs = new LinkedHashMap<>();
        Map<String, List<LineInfo>> lines = new LinkedHashMap<>();
        Map<String, List<CoreRelocation>> relocations = new LinkedHashMap<>();
        new Block(r, spec, (int) headerLen, 8, "func_info", FUNC_INFO_SIZE).forEachRecord(funcs,
                (at, list) -> list.add(new FuncInfo(r.insnOffset(at), func(r, spec, at + 4))));
        new Block(r, spec, (int) headerLen, 16, "line_info", LINE_INFO_SIZE).forEachRecord(lines,
                (at, list) -> {
                    int lineCol = r.i32(at + 12);
                    list.add(new LineInfo(r.insnOffset(at), r.string(spec, at + 4), r.string(spec, at + 8),
                            lineCol >>> 10, lineCol & MAX_COLUMN));
                });
        if (headerLen >= CORE_HEADER_LEN) {
            new Block(r, spec, (int) headerLen, 24, "core_relo", CORE_RELO_SIZE).forEachRecord(relocations,
                    (at, list) -> list.add(coreRelocation(r, spec, at)));
        }

        Map<String, Section> sections = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(funcs.keySet());
        lines.keySet().stream().filter(n -> !names.contains(n)).forEach(names::add);
        relocations.keySet().stream().filter(n -> !names.contains(n)).forEach(names::add);
        for (String name : names) {
            sections.put(name, new Section(name, funcs.getOrDefault(name, List.of()),
                    lines.getOrDefault(name, List.of()), relocations.getOrDefault(name, List.of())));
        }
        return new ExtInfo(sections);
    }

    private static Func func(Reader r, Spec spec, int at) {
        int id = r.i32(at);
        if (id <= 0 || id >= spec.typeCount() || spec.kindOf(id) != Kind.FUNC) {
            throw new BtfFormatException("func_info refers to type id " + Integer.toUnsignedString(id)
                    + ", which is not a FUNC", at);
        }
        return (Func) spec.typeById(id);
    }

    private static CoreRelocation coreRelocation(Reader r, Spec spec, int at) {
        int id = r.i32(at + 4);
        if (id <= 0 || id >= spec.typeCount()) {
            throw new BtfFormatException("CO-RE relocation refers to type id " + Integer.toUnsignedString(id)
                    + ", but the last type id is " + (spec.typeCount() - 1), at + 4);
        }
        int kindValue = r.i32(at + 12);
        CoreKind kind = CoreKind.ofWireValue(kindValue);
        if (kind == null) {
            throw new BtfFormatException("unknown CO-RE relocation kind " + Integer.toUnsignedString(kindValue),
                    at + 12);
        }
        return new CoreRelocation(r.insnOffset(at), spec.typeById(id), id, r.string(spec, at + 8), kind);
    }

    /** All sections with records, in the order they first appear. */
    public Map<String, Section> sections() {
        return sections;
    }

    /** The records of one ELF section, if it has any. */
    public Optional<Section> section(String elfSection) {
        return Optional.ofNullable(sections.get(elfSection));
    }

    /**
     * The {@code func_info} array for {@code BPF_PROG_LOAD} ({@code func_info_rec_size} = {@link #FUNC_INFO_SIZE}):
     * native byte order, instruction offsets in instructions, type ids as numbered by {@code btf}, the builder
     * whose marshalled BTF is loaded with the program.
     *
     * @param infos the program's records, offsets rebased on the program, sorted, the first at offset 0
     */
    public static byte[] marshalFuncInfos(List<FuncInfo> infos, Builder btf) {
        Wire out = new Wire(ByteOrder.nativeOrder(), infos.size() * FUNC_INFO_SIZE);
        for (FuncInfo info : infos) {
            out.u32(instruction(info.insnOffset())).u32(btf.id(info.func()));
        }
        return out.toByteArray();
    }

    /**
     * The {@code line_info} array for {@code BPF_PROG_LOAD} ({@code line_info_rec_size} = {@link #LINE_INFO_SIZE}).
     * The file names and lines are added to {@code btf}'s strings, so marshal the BTF itself afterwards.
     *
     * @param infos the program's records, offsets rebased on the program, sorted
     */
    public static byte[] marshalLineInfos(List<LineInfo> infos, Builder btf) {
        Wire out = new Wire(ByteOrder.nativeOrder(), infos.size() * LINE_INFO_SIZE);
        for (LineInfo info : infos) {
            if (info.lineNumber() < 0 || info.lineNumber() > MAX_LINE_NUMBER || info.column() < 0
                    || info.column() > MAX_COLUMN) {
                throw new IllegalArgumentException("line " + info.lineNumber() + " column " + info.column()
                        + " does not fit bpf_line_info (22 and 10 bits)");
            }
            out.u32(instruction(info.insnOffset())).u32(btf.addString(info.fileName())).u32(btf.addString(info.line()))
                    .u32(info.lineNumber() << 10 | info.column());
        }
        return out.toByteArray();
    }

    private static int instruction(int insnOffset) {
        if (insnOffset < 0 || insnOffset % 8 != 0) {
            throw new IllegalArgumentException("instruction offset " + insnOffset + " is not a multiple of 8 bytes");
        }
        return insnOffset / 8;
    }

    @Override
    public String toString() {
        return ".BTF.ext (" + sections.size() + " sections)";
    }

    /** Bounds-checked reads in the object's byte order. */
    private record Reader(byte[] b, ByteOrder order) {
        int u16(int at) {
            int b0 = b[at] & 0xff;
            int b1 = b[at + 1] & 0xff;
            return order == ByteOrder.LITTLE_ENDIAN ? b0 | b1 << 8 : b0 << 8 | b1;
        }

        int i32(int at) {
            if (at < 0 || at > b.length - 4) {
                throw new BtfFormatException(".BTF.ext truncated", at);
            }
            int b0 = b[at] & 0xff, b1 = b[at + 1] & 0xff, b2 = b[at + 2] & 0xff, b3 = b[at + 3] & 0xff;
            return order == ByteOrder.LITTLE_ENDIAN ? b0 | b1 << 8 | b2 << 16 | b3 << 24
                    : b3 | b2 << 8 | b1 << 16 | b0 << 24;
        }

        long u32(int at) {
            return Integer.toUnsignedLong(i32(at));
        }

        int insnOffset(int at) {
            int offset = i32(at);
            if (offset < 0 || offset % 8 != 0) {
                throw new BtfFormatException("instruction offset " + Integer.toUnsignedString(offset)
                        + " is not a multiple of 8", at);
            }
            return offset;
        }

        String string(Spec spec, int at) {
            int offset = i32(at);
            if (!spec.isValidString(offset)) {
                throw new BtfFormatException("string offset " + Integer.toUnsignedString(offset)
                        + " is past the end of the BTF string section", at);
            }
            return spec.string(offset);
        }
    }

    /** One of the func_info, line_info and core_relo blocks: a record size, then per-section record runs. */
    private static final class Block {
        private final Reader r;
        private final Spec spec;
        private final String what;
        private final int start;
        private final int end;
        private final int recordSize;

        interface RecordParser<T> {
            void parse(int at, List<T> into);
        }

        Block(Reader r, Spec spec, int headerLen, int headerField, String what, int minRecordSize) {
            this.r = r;
            this.spec = spec;
            this.what = what;
            long offset = r.u32(headerField);
            long length = r.u32(headerField + 4);
            long from = headerLen + offset;
            if (from > r.b().length || length > r.b().length - from) {
                throw new BtfFormatException(".BTF.ext " + what + " [" + from + ", " + (from + length)
                        + ") exceeds the section of " + r.b().length + " bytes", headerField);
            }
            if (offset % 4 != 0) {
                throw new BtfFormatException(".BTF.ext " + what + " is not 4-byte aligned", headerField);
            }
            this.start = (int) from;
            this.end = (int) (from + length);
            if (length == 0) {
                this.recordSize = 0;
                return;
            }
            long size = r.u32(start);
            if (length < 4 || size < minRecordSize || size % 4 != 0 || size > length) {
                throw new BtfFormatException(".BTF.ext " + what + " has invalid record size " + size, start);
            }
            this.recordSize = (int) size;
        }

        <T> void forEachRecord(Map<String, List<T>> bySection, RecordParser<T> parser) {
            if (end == start) {
                return;
            }
            int at = start + 4;
            while (at < end) {
                if (end - at < 8) {
                    throw new BtfFormatException(".BTF.ext " + what + " section header truncated", at);
                }
                String section = r.string(spec, at);
                long records = r.u32(at + 4);
                if (records == 0 || records > (end - at - 8L) / recordSize) {
                    throw new BtfFormatException(".BTF.ext " + what + " of section '" + section + "' claims "
                            + records + " records of " + recordSize + " bytes, more than the " + (end - at - 8)
                            + " bytes left", at + 4);
                }
                at += 8;
                List<T> list = bySection.computeIfAbsent(section, s -> new ArrayList<>());
                for (long i = 0; i < records; i++, at += recordSize) {
                    parser.parse(at, list);
                }
            }
        }
    }
}
