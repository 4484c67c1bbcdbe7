package io.ebpf4j.internal.elf;

import io.ebpf4j.ElfFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A parsed ELF64 file: header, sections, program headers, symbol tables and relocations, in either byte order and
 * for any machine (BPF objects, but also x86_64/aarch64 executables for uprobes).
 *
 * <p>{@link #parse(byte[])} checks the whole structure up front: every offset, size, index and count is validated
 * against the file before it is used, section contents may neither overlap each other nor the headers, strings must
 * be NUL-terminated inside their table, symbol and relocation entries must reference existing sections and symbols.
 * Violations throw {@link ElfFormatException} with the offending field's byte offset. Memory use is bounded by the
 * size of the input, never by a count the file claims.
 *
 * <p>The parsed file keeps a reference to the byte array: {@link #data(Section)} returns views of it, so the array
 * must not be modified afterwards. Instances are immutable and thread-safe.
 */
public final class ElfFile {

    public static final int ELFCLASS32 = 1;
    public static final int ELFCLASS64 = 2;

    public static final int ET_NONE = 0;
    public static final int ET_REL = 1;
    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;
    public static final int ET_CORE = 4;

    public static final int EM_X86_64 = 62;
    public static final int EM_AARCH64 = 183;
    public static final int EM_BPF = 247;

    private final byte[] data;
    private final ByteOrder byteOrder;
    private final int osAbi;
    private final int type;
    private final int machine;
    private final long entry;
    private final int flags;
    private final List<Section> sections;
    private final Map<String, Section> sectionsByName;
    private final List<ProgramHeader> programHeaders;
    /** Full tables, the null symbol at index 0 included, so that relocation symbol indices index them directly. */
    private final List<Symbol> symbolTable;
    private final List<Symbol> dynamicSymbolTable;
    private final Map<Integer, List<Relocation>> relocationsByTarget;

    private ElfFile(ElfParser parser) {
        this.data = parser.data;
        this.byteOrder = parser.byteOrder;
        this.osAbi = parser.osAbi;
        this.type = parser.type;
        this.machine = parser.machine;
        this.entry = parser.entry;
        this.flags = parser.flags;
        this.sections = List.copyOf(parser.sections);
        Map<String, Section> byName = new LinkedHashMap<>();
        for (Section s : sections) {
            byName.putIfAbsent(s.name(), s);
        }
        this.sectionsByName = Collections.unmodifiableMap(byName);
        this.programHeaders = List.copyOf(parser.programHeaders);
        this.symbolTable = List.copyOf(parser.symbolTable);
        this.dynamicSymbolTable = List.copyOf(parser.dynamicSymbolTable);
        this.relocationsByTarget = Map.copyOf(parser.relocationsByTarget);
    }

    /**
     * Parses and validates an ELF64 file.
     *
     * @throws ElfFormatException if the bytes are not a well-formed ELF64 file
     */
    public static ElfFile parse(byte[] data) {
        Objects.requireNonNull(data, "data");
        return new ElfFile(new ElfParser(data).parse());
    }

    /** The file's byte order ({@code EI_DATA}); {@link #data(Section)} views use it. */
    public ByteOrder byteOrder() {
        return byteOrder;
    }

    /** {@code e_machine}, e.g. {@link #EM_BPF}, {@link #EM_X86_64}, {@link #EM_AARCH64}. */
    public int machine() {
        return machine;
    }

    /** {@code e_type}, e.g. {@link #ET_REL} for BPF objects, {@link #ET_EXEC} or {@link #ET_DYN} for executables. */
    public int type() {
        return type;
    }

    /** {@code EI_CLASS}: always {@link #ELFCLASS64}, the only class this reader accepts. */
    public int elfClass() {
        return ELFCLASS64;
    }

    /** {@code EI_OSABI}. */
    public int osAbi() {
        return osAbi;
    }

    /** {@code e_entry}: the entry point address of executables, 0 for relocatable files. */
    public long entry() {
        return entry;
    }

    /** {@code e_flags}: machine-specific flags. */
    public int flags() {
        return flags;
    }

    /** All sections in header-table order, including the reserved null section at index 0. */
    public List<Section> sections() {
        return sections;
    }

    /** The first section called {@code name}. */
    public Optional<Section> section(String name) {
        return Optional.ofNullable(sectionsByName.get(name));
    }

    /**
     * The section at {@code index}, as referenced by symbols and other sections.
     *
     * @throws ElfFormatException if there is no such section
     */
    public Section section(int index) {
        if (index < 0 || index >= sections.size()) {
            throw new ElfFormatException("no section with index " + index + " (the file has " + sections.size() + ")");
        }
        return sections.get(index);
    }

    /** Program headers (segments); empty for relocatable files such as BPF objects. */
    public List<ProgramHeader> programHeaders() {
        return programHeaders;
    }

    /**
     * Symbols of the {@code SHT_SYMTAB} table in table order, without the reserved null symbol at index 0 (each
     * symbol's {@link Symbol#index()} is its index in the table). Empty if the file has no symbol table.
     */
    public List<Symbol> symbols() {
        return symbolTable.isEmpty() ? List.of() : symbolTable.subList(1, symbolTable.size());
    }

    /**
     * The {@code SHT_SYMTAB} symbol at {@code index}; index 0 is the unnamed null symbol.
     *
     * @throws ElfFormatException if there is no such symbol
     */
    public Symbol symbol(int index) {
        if (index < 0 || index >= symbolTable.size()) {
            throw new ElfFormatException("no symbol with index " + index + " (the symbol table has "
                    + symbolTable.size() + ")");
        }
        return symbolTable.get(index);
    }

    /**
     * Symbols of the {@code SHT_DYNSYM} table (exported and imported symbols of executables and shared libraries),
     * without the null symbol; empty if there is none.
     */
    public List<Symbol> dynamicSymbols() {
        return dynamicSymbolTable.isEmpty() ? List.of() : dynamicSymbolTable.subList(1, dynamicSymbolTable.size());
    }

    /**
     * The relocations that apply to {@code target}, from every {@code SHT_REL} or {@code SHT_RELA} section whose
     * {@code sh_info} is {@code target.index()}, sorted by offset. Empty if there are none.
     */
    public List<Relocation> relocations(Section target) {
        requireOwn(target);
        return relocationsByTarget.getOrDefault(target.index(), List.of());
    }

    /** Read-only view of a section's contents in the file's byte order; empty for NOBITS and NULL sections. */
    public ByteBuffer data(Section section) {
        requireOwn(section);
        return view(section.offset(), section.fileSize());
    }

    /** Read-only view of the file-backed part of a segment, in the file's byte order. */
    public ByteBuffer data(ProgramHeader segment) {
        if (segment.index() < 0 || segment.index() >= programHeaders.size()
                || !programHeaders.get(segment.index()).equals(segment)) {
            throw new IllegalArgumentException("program header " + segment.index() + " is not from this file");
        }
        return view(segment.offset(), segment.fileSize());
    }

    /**
     * The file offset of a virtual address, found through the loadable segment ({@code PT_LOAD}) that maps it from
     * the file; empty if no segment does (e.g. the address is in {@code .bss}). This is how an executable's symbol
     * value becomes the offset a uprobe needs.
     */
    public OptionalLong fileOffset(long virtualAddress) {
        for (ProgramHeader segment : programHeaders) {
            if (segment.isLoad() && segment.containsFileBacked(virtualAddress)) {
                return OptionalLong.of(segment.offset() + (virtualAddress - segment.virtualAddress()));
            }
        }
        return OptionalLong.empty();
    }

    /**
     * The notes of an {@code SHT_NOTE} section (e.g. {@code .note.stapsdt} for USDT probes).
     *
     * @throws ElfFormatException if a note does not fit inside the section
     */
    public List<Note> notes(Section section) {
        requireOwn(section);
        if (section.type() != Section.SHT_NOTE) {
            throw new IllegalArgumentException(section.describe() + " is not a note section");
        }
        return readNotes(section.offset(), section.size(), section.alignment(), section.describe());
    }

    /**
     * The notes of a {@code PT_NOTE} segment.
     *
     * @throws ElfFormatException if a note does not fit inside the segment
     */
    public List<Note> notes(ProgramHeader segment) {
        if (segment.type() != ProgramHeader.PT_NOTE) {
            throw new IllegalArgumentException("program header " + segment.index() + " is not a note segment");
        }
        data(segment); // checks that the segment belongs to this file
        return readNotes(segment.offset(), segment.fileSize(), segment.alignment(),
                "note segment " + segment.index());
    }

    private List<Note> readNotes(long offset, long size, long alignment, String description) {
        // Notes are 4-byte aligned, except those in 8-byte aligned containers (e.g. .note.gnu.property).
        int align = alignment == 8 ? 8 : 4;
        ElfBytes bytes = new ElfBytes(data, byteOrder);
        List<Note> notes = new ArrayList<>();
        long position = 0;
        while (position < size) {
            long at = offset + position;
            if (size - position < 12) {
                throw new ElfFormatException("truncated note header in " + description, at);
            }
            long nameSize = bytes.u32(at);
            long descriptorSize = bytes.u32(at + 4);
            int noteType = bytes.s32(at + 8);
            long nameStart = position + 12;
            if (nameSize > size - nameStart) {
                throw new ElfFormatException("note name of " + nameSize + " bytes exceeds " + description, at);
            }
            long descriptorStart = alignUp(nameStart + nameSize, align);
            if (descriptorStart > size || descriptorSize > size - descriptorStart) {
                throw new ElfFormatException("note descriptor of " + descriptorSize + " bytes exceeds " + description,
                        at + 4);
            }
            notes.add(new Note(noteName(offset + nameStart, (int) nameSize), noteType,
                    view(offset + descriptorStart, descriptorSize)));
            position = alignUp(descriptorStart + descriptorSize, align);
        }
        return notes;
    }

    private String noteName(long start, int size) {
        int length = 0;
        while (length < size && data[(int) start + length] != 0) {
            length++;
        }
        return new String(data, (int) start, length, StandardCharsets.UTF_8);
    }

    private static long alignUp(long value, int alignment) {
        return (value + alignment - 1) & -alignment;
    }

    private ByteBuffer view(long offset, long size) {
        if (size == 0) {
            return ByteBuffer.allocate(0).asReadOnlyBuffer().order(byteOrder); // the offset may lie past the end
        }
        // Offsets and sizes were validated against the array at parse time, so they fit in an int.
        return ByteBuffer.wrap(data, (int) offset, (int) size).slice().asReadOnlyBuffer().order(byteOrder);
    }

    private void requireOwn(Section section) {
        if (section.index() < 0 || section.index() >= sections.size()
                || !sections.get(section.index()).equals(section)) {
            throw new IllegalArgumentException(section.describe() + " is not from this file");
        }
    }

    @Override
    public String toString() {
        return "ElfFile[machine=" + machine + ", type=" + type + ", " + byteOrder + ", " + sections.size()
                + " sections, " + programHeaders.size() + " program headers]";
    }
}
