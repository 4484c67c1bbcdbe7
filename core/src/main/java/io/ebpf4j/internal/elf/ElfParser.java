package io.ebpf4j.internal.elf;

import io.ebpf4j.ElfFormatException;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.ebpf4j.internal.elf.ElfFile.ELFCLASS32;
import static io.ebpf4j.internal.elf.ElfFile.ELFCLASS64;
import static io.ebpf4j.internal.elf.ElfFile.ET_REL;

/**
 * Reads and validates the structures of an ELF64 file for {@link ElfFile}, in dependency order: each step only uses
 * what earlier steps checked.
 */
final class ElfParser {
    private static final int EI_NIDENT = 16;
    private static final int EI_CLASS = 4;
    private static final int EI_DATA = 5;
    private static final int EI_VERSION = 6;
    private static final int EI_OSABI = 7;
    private static final int ELFDATA2LSB = 1;
    private static final int ELFDATA2MSB = 2;
    private static final int EV_CURRENT = 1;

    // Sizes of the ELF64 structures (Elf64_Ehdr, Elf64_Shdr, Elf64_Phdr, Elf64_Sym, Elf64_Rel, Elf64_Rela).
    private static final int HEADER_SIZE = 64;
    private static final int SECTION_HEADER_SIZE = 64;
    private static final int PROGRAM_HEADER_SIZE = 56;
    private static final int SYMBOL_SIZE = 24;
    private static final int REL_SIZE = 16;
    private static final int RELA_SIZE = 24;
    private static final int SHNDX_ENTRY_SIZE = 4;

    /** e_phnum value meaning "the real count is in section 0's sh_info". */
    private static final int PN_XNUM = 0xffff;

    private static final Symbol NULL_SYMBOL = new Symbol(0, "", 0, 0, Symbol.STT_NOTYPE, Symbol.STB_LOCAL,
            Symbol.STV_DEFAULT, Symbol.SHN_UNDEF);

    final byte[] data;
    ByteOrder byteOrder;
    private ElfBytes bytes;
    int osAbi;
    int type;
    int machine;
    long entry;
    int flags;
    private long sectionHeaderOffset;
    final List<Section> sections = new ArrayList<>();
    final List<ProgramHeader> programHeaders = new ArrayList<>();
    List<Symbol> symbolTable = List.of();
    List<Symbol> dynamicSymbolTable = List.of();
    final Map<Integer, List<Relocation>> relocationsByTarget = new HashMap<>();

    ElfParser(byte[] data) {
        this.data = data;
    }

    ElfParser parse() {
        readIdentification();
        readHeader();
        readSectionHeaders();
        readProgramHeaders();
        readSymbolTables();
        readRelocations();
        return this;
    }

    private void readIdentification() {
        if (data.length < EI_NIDENT) {
            throw new ElfFormatException("file too short for an ELF identification: " + data.length + " bytes", 0);
        }
        if (data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F') {
            throw new ElfFormatException("not an ELF file: bad magic number", 0);
        }
        int elfClass = data[EI_CLASS];
        if (elfClass == ELFCLASS32) {
            throw new ElfFormatException("32-bit ELF files (ELFCLASS32) are not supported, only ELF64", EI_CLASS);
        }
        if (elfClass != ELFCLASS64) {
            throw new ElfFormatException("invalid ELF class " + elfClass, EI_CLASS);
        }
        switch (data[EI_DATA]) {
            case ELFDATA2LSB -> byteOrder = ByteOrder.LITTLE_ENDIAN;
            case ELFDATA2MSB -> byteOrder = ByteOrder.BIG_ENDIAN;
            default -> throw new ElfFormatException("invalid ELF data encoding " + data[EI_DATA], EI_DATA);
        }
        if (data[EI_VERSION] != EV_CURRENT) {
            throw new ElfFormatException("unsupported ELF identification version " + data[EI_VERSION], EI_VERSION);
        }
        osAbi = data[EI_OSABI] & 0xff;
        bytes = new ElfBytes(data, byteOrder);
    }

    private void readHeader() {
        if (data.length < HEADER_SIZE) {
            throw new ElfFormatException("file too short for an ELF64 header: " + data.length + " bytes", 0);
        }
        type = bytes.u16(16);
        machine = bytes.u16(18);
        long version = bytes.u32(20);
        if (version != EV_CURRENT) {
            throw new ElfFormatException("unsupported e_version " + version, 20);
        }
        entry = bytes.u64(24);
        flags = bytes.s32(48);
        int headerSize = bytes.u16(52);
        if (headerSize != HEADER_SIZE) {
            throw new ElfFormatException("e_ehsize is " + headerSize + ", expected " + HEADER_SIZE, 52);
        }
    }

    // ---- sections ----

    private void readSectionHeaders() {
        long offset = bytes.u64(40);
        int entrySize = bytes.u16(58);
        int declaredCount = bytes.u16(60);
        int declaredStringIndex = bytes.u16(62);
        if (offset == 0) {
            if (declaredCount != 0) {
                throw new ElfFormatException("e_shnum is " + declaredCount + " but e_shoff is 0", 60);
            }
            return;
        }
        if (entrySize != SECTION_HEADER_SIZE) {
            throw new ElfFormatException("e_shentsize is " + entrySize + ", expected " + SECTION_HEADER_SIZE, 58);
        }
        if (Long.compareUnsigned(offset, HEADER_SIZE) < 0) {
            throw new ElfFormatException("e_shoff " + offset + " points into the ELF header", 40);
        }
        bytes.checkRange(offset, SECTION_HEADER_SIZE, "section header 0", 40);
        sectionHeaderOffset = offset;

        // Files with 0xff00 or more sections keep the real count and string table index in section 0.
        long count = declaredCount;
        long countField = 60;
        if (declaredCount == 0) {
            count = bytes.u64(offset + 32);
            countField = offset + 32;
            if (count == 0) {
                throw new ElfFormatException("e_shnum is 0 and section 0 holds no extended section count",
                        countField);
            }
        }
        long maxCount = (data.length - offset) / SECTION_HEADER_SIZE;
        if (Long.compareUnsigned(count, maxCount) > 0) {
            throw new ElfFormatException("section header table of " + Long.toUnsignedString(count)
                    + " entries at offset " + offset + " extends past the end of the file (" + data.length
                    + " bytes)", countField);
        }
        long stringIndex = declaredStringIndex;
        long stringIndexField = 62;
        if (declaredStringIndex == Symbol.SHN_XINDEX) {
            stringIndex = bytes.u32(offset + 40);
            stringIndexField = offset + 40;
        }

        int sectionCount = (int) count;
        RawSection[] raw = new RawSection[sectionCount];
        for (int i = 0; i < sectionCount; i++) {
            raw[i] = readRawSection(i, offset + (long) i * SECTION_HEADER_SIZE);
        }
        if (raw[0].type != Section.SHT_NULL) {
            throw new ElfFormatException("section 0 must be of type SHT_NULL, is " + raw[0].type,
                    raw[0].headerOffset + 4);
        }

        StringTable names = sectionNames(raw, stringIndex, stringIndexField);
        for (RawSection r : raw) {
            String name = names == null ? "" : names.get(r.nameOffset, () -> "sh_name of section " + r.index,
                    r.headerOffset);
            sections.add(new Section(r.index, name, r.type, r.flags, r.offset, r.size, r.link, r.info,
                    r.alignment, r.entrySize, r.address));
        }
        for (int i = 1; i < sectionCount; i++) {
            checkContents(sections.get(i), raw[i].headerOffset);
        }
        checkNoOverlap(raw);
        for (int i = 1; i < sectionCount; i++) {
            checkLinks(sections.get(i), raw[i].headerOffset);
        }
    }

    private RawSection readRawSection(int index, long at) {
        return new RawSection(index, at, bytes.u32(at), bytes.s32(at + 4), bytes.u64(at + 8), bytes.u64(at + 16),
                bytes.u64(at + 24), bytes.u64(at + 32), bytes.s32(at + 40), bytes.s32(at + 44),
                bytes.u64(at + 48), bytes.u64(at + 56));
    }

    /** The section header string table, or null when the file declares none (all names are then empty). */
    private StringTable sectionNames(RawSection[] raw, long index, long field) {
        if (index == Symbol.SHN_UNDEF) {
            return null;
        }
        if (index >= raw.length) {
            throw new ElfFormatException("section name string table index " + index + " is out of range (the file has "
                    + raw.length + " sections)", field);
        }
        RawSection table = raw[(int) index];
        if (table.type != Section.SHT_STRTAB) {
            throw new ElfFormatException("section name string table " + index + " is not of type SHT_STRTAB but "
                    + table.type, field);
        }
        bytes.checkRange(table.offset, table.size, "section name string table", table.headerOffset + 24);
        return new StringTable(data, new Section(table.index, "", table.type, table.flags, table.offset,
                table.size, table.link, table.info, table.alignment, table.entrySize, table.address));
    }

    private void checkContents(Section section, long headerOffset) {
        long alignment = section.alignment();
        if (alignment != 0 && (alignment & (alignment - 1)) != 0) {
            throw new ElfFormatException(section.describe() + " has sh_addralign " + Long.toUnsignedString(alignment)
                    + ", which is not a power of two", headerOffset + 48);
        }
        if (section.fileSize() != 0) {
            bytes.checkRange(section.offset(), section.size(), "contents of " + section.describe(),
                    headerOffset + 24);
        }
    }

    /** Section contents must not overlap each other, the ELF header or the section header table. */
    private void checkNoOverlap(RawSection[] raw) {
        List<FileRange> ranges = new ArrayList<>(raw.length + 1);
        ranges.add(new FileRange(0, HEADER_SIZE, "the ELF header", 0, false));
        ranges.add(new FileRange(sectionHeaderOffset, sectionHeaderOffset + (long) raw.length * SECTION_HEADER_SIZE,
                "the section header table", 40, false));
        for (Section s : sections) {
            if (s.fileSize() != 0) {
                ranges.add(new FileRange(s.offset(), s.offset() + s.size(), "contents of " + s.describe(),
                        raw[s.index()].headerOffset + 24, true));
            }
        }
        ranges.sort(Comparator.comparingLong(FileRange::start));
        FileRange furthest = ranges.get(0);
        for (int i = 1; i < ranges.size(); i++) {
            FileRange current = ranges.get(i);
            if (current.start < furthest.end) {
                // Blame a section's sh_offset rather than a header, which is more likely to be right.
                FileRange blamed = current.section ? current : furthest;
                FileRange other = blamed == current ? furthest : current;
                throw new ElfFormatException(blamed.what + " [" + blamed.start + ", " + blamed.end + ") overlaps "
                        + other.what + " [" + other.start + ", " + other.end + ")", blamed.where);
            }
            if (current.end > furthest.end) {
                furthest = current;
            }
        }
    }

    /** Checks the sh_link/sh_info references of the section types this reader interprets. */
    private void checkLinks(Section section, long headerOffset) {
        switch (section.type()) {
            case Section.SHT_SYMTAB, Section.SHT_DYNSYM -> {
                checkEntrySize(section, SYMBOL_SIZE, headerOffset);
                Section strings = linkedSection(section, headerOffset);
                if (strings.type() != Section.SHT_STRTAB) {
                    throw new ElfFormatException(section.describe() + " links to " + strings.describe()
                            + ", which is not a string table", headerOffset + 40);
                }
                if (Integer.toUnsignedLong(section.info()) > section.size() / SYMBOL_SIZE) {
                    throw new ElfFormatException(section.describe() + " claims " + section.info()
                            + " local symbols but holds " + section.size() / SYMBOL_SIZE, headerOffset + 44);
                }
            }
            case Section.SHT_SYMTAB_SHNDX -> {
                checkEntrySize(section, SHNDX_ENTRY_SIZE, headerOffset);
                if (linkedSection(section, headerOffset).type() != Section.SHT_SYMTAB) {
                    throw new ElfFormatException(section.describe() + " does not link to a symbol table",
                            headerOffset + 40);
                }
            }
            case Section.SHT_REL, Section.SHT_RELA -> {
                checkEntrySize(section, section.type() == Section.SHT_REL ? REL_SIZE : RELA_SIZE, headerOffset);
                // Static executables have IRELATIVE relocations without a symbol table (sh_link 0).
                if (section.link() != 0 && !linkedSection(section, headerOffset).isSymbolTable()) {
                    throw new ElfFormatException(section.describe() + " links to "
                            + sections.get(section.link()).describe() + ", which is not a symbol table",
                            headerOffset + 40);
                }
                if (section.info() != 0) {
                    Section target = referencedSection(section.info(), section, "sh_info", headerOffset + 44);
                    if (target.type() == Section.SHT_NULL || target.isNoBits()) {
                        throw new ElfFormatException(section.describe() + " applies to " + target.describe()
                                + ", which has no contents to relocate", headerOffset + 44);
                    }
                }
            }
            default -> {
                // Other types' sh_link/sh_info are not interpreted, so they are not checked.
            }
        }
    }

    private void checkEntrySize(Section section, int expected, long headerOffset) {
        if (section.entrySize() != expected) {
            throw new ElfFormatException(section.describe() + " has sh_entsize " + section.entrySize()
                    + ", expected " + expected, headerOffset + 56);
        }
        if (section.size() % expected != 0) {
            throw new ElfFormatException(section.describe() + " has sh_size " + section.size()
                    + ", not a multiple of its entry size " + expected, headerOffset + 32);
        }
    }

    private Section linkedSection(Section section, long headerOffset) {
        return referencedSection(section.link(), section, "sh_link", headerOffset + 40);
    }

    private Section referencedSection(int index, Section from, String field, long where) {
        if (index <= 0 || index >= sections.size()) {
            throw new ElfFormatException(field + " of " + from.describe() + " is " + Integer.toUnsignedString(index)
                    + ", not a valid section index (the file has " + sections.size() + " sections)", where);
        }
        return sections.get(index);
    }

    // ---- program headers ----

    private void readProgramHeaders() {
        long offset = bytes.u64(32);
        int entrySize = bytes.u16(54);
        long count = bytes.u16(56);
        long countField = 56;
        if (count == PN_XNUM) {
            if (sections.isEmpty()) {
                throw new ElfFormatException("e_phnum is PN_XNUM but there is no section 0 holding the real count",
                        56);
            }
            count = Integer.toUnsignedLong(sections.get(0).info());
            countField = sectionHeaderOffset + 44;
        }
        if (count == 0) {
            return;
        }
        if (entrySize != PROGRAM_HEADER_SIZE) {
            throw new ElfFormatException("e_phentsize is " + entrySize + ", expected " + PROGRAM_HEADER_SIZE, 54);
        }
        if (Long.compareUnsigned(offset, HEADER_SIZE) < 0) {
            throw new ElfFormatException("e_phoff " + offset + " points into the ELF header", 32);
        }
        bytes.checkRange(offset, 0, "program header table", 32);
        if (count > (data.length - offset) / PROGRAM_HEADER_SIZE) {
            throw new ElfFormatException("program header table of " + count + " entries at offset " + offset
                    + " extends past the end of the file (" + data.length + " bytes)", countField);
        }
        for (int i = 0; i < count; i++) {
            long at = offset + (long) i * PROGRAM_HEADER_SIZE;
            ProgramHeader segment = new ProgramHeader(i, bytes.s32(at), bytes.s32(at + 4), bytes.u64(at + 8),
                    bytes.u64(at + 16), bytes.u64(at + 24), bytes.u64(at + 32), bytes.u64(at + 40),
                    bytes.u64(at + 48));
            if (segment.fileSize() != 0) {
                bytes.checkRange(segment.offset(), segment.fileSize(), "segment " + i, at + 8);
            }
            if (segment.isLoad() && Long.compareUnsigned(segment.memorySize(), segment.fileSize()) < 0) {
                throw new ElfFormatException("loadable segment " + i + " is smaller in memory ("
                        + segment.memorySize() + ") than in the file (" + segment.fileSize() + ")", at + 40);
            }
            programHeaders.add(segment);
        }
    }

    // ---- symbols ----

    private void readSymbolTables() {
        Section symbolTableSection = null;
        Section dynamicSymbolTableSection = null;
        for (Section section : sections) {
            if (section.type() == Section.SHT_SYMTAB) {
                symbolTableSection = single(symbolTableSection, section, "SHT_SYMTAB");
                symbolTable = readSymbols(section);
            } else if (section.type() == Section.SHT_DYNSYM) {
                dynamicSymbolTableSection = single(dynamicSymbolTableSection, section, "SHT_DYNSYM");
                dynamicSymbolTable = readSymbols(section);
            }
        }
    }

    private Section single(Section earlier, Section section, String type) {
        if (earlier != null) {
            throw new ElfFormatException("more than one " + type + " section: " + earlier.describe() + " and "
                    + section.describe(), headerOffset(section));
        }
        return section;
    }

    private List<Symbol> readSymbols(Section table) {
        StringTable names = new StringTable(data, sections.get(table.link()));
        Section extendedIndices = extendedIndexTable(table);
        int count = (int) (table.size() / SYMBOL_SIZE);
        List<Symbol> symbols = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long at = table.offset() + (long) i * SYMBOL_SIZE;
            int symbol = i;
            String name = names.get(bytes.u32(at), () -> "st_name of symbol " + symbol + " in " + table.describe(),
                    at);
            int info = bytes.u8(at + 4);
            int other = bytes.u8(at + 5);
            int sectionIndex = bytes.u16(at + 6);
            if (sectionIndex == Symbol.SHN_XINDEX) {
                sectionIndex = extendedIndex(extendedIndices, table, i, at + 6);
            } else if (sectionIndex < Symbol.SHN_LORESERVE && sectionIndex >= sections.size()) {
                // Reserved indices (SHN_ABS, SHN_COMMON, ...) name no section and are kept as they are.
                throw new ElfFormatException("symbol " + i + (name.isEmpty() ? "" : " (" + name + ")") + " in "
                        + table.describe() + " refers to section " + sectionIndex + ", but the file has "
                        + sections.size(), at + 6);
            }
            symbols.add(new Symbol(i, name, bytes.u64(at + 8), bytes.u64(at + 16), info & 0xf, info >>> 4,
                    other & 0x3, sectionIndex));
        }
        return symbols;
    }

    private Section extendedIndexTable(Section table) {
        for (Section s : sections) {
            if (s.type() == Section.SHT_SYMTAB_SHNDX && s.link() == table.index()) {
                return s;
            }
        }
        return null;
    }

    private int extendedIndex(Section extendedIndices, Section table, int symbol, long where) {
        if (extendedIndices == null) {
            throw new ElfFormatException("symbol " + symbol + " in " + table.describe()
                    + " uses SHN_XINDEX but there is no SHT_SYMTAB_SHNDX section", where);
        }
        long entry = (long) symbol * SHNDX_ENTRY_SIZE;
        if (entry >= extendedIndices.size()) {
            throw new ElfFormatException("symbol " + symbol + " in " + table.describe() + " has no entry in "
                    + extendedIndices.describe(), where);
        }
        long index = bytes.u32(extendedIndices.offset() + entry);
        if (index >= sections.size()) {
            throw new ElfFormatException("extended section index " + index + " of symbol " + symbol
                    + " is out of range (the file has " + sections.size() + " sections)",
                    extendedIndices.offset() + entry);
        }
        return (int) index;
    }

    // ---- relocations ----

    private void readRelocations() {
        for (Section section : sections) {
            // Relocation sections without a target (sh_info 0, e.g. .rela.dyn) are not tied to one section.
            if (section.isRelocation() && section.info() != 0) {
                Section target = sections.get(section.info());
                relocationsByTarget.computeIfAbsent(target.index(), k -> new ArrayList<>())
                        .addAll(readRelocations(section, target));
            }
        }
        for (List<Relocation> list : relocationsByTarget.values()) {
            list.sort((a, b) -> Long.compareUnsigned(a.offset(), b.offset()));
        }
        relocationsByTarget.replaceAll((target, list) -> List.copyOf(list));
    }

    private List<Relocation> readRelocations(Section section, Section target) {
        boolean withAddend = section.type() == Section.SHT_RELA;
        int entrySize = withAddend ? RELA_SIZE : REL_SIZE;
        List<Symbol> symbols = symbolsOf(section.link());
        int count = (int) (section.size() / entrySize);
        List<Relocation> relocations = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long at = section.offset() + (long) i * entrySize;
            long offset = bytes.u64(at);
            long info = bytes.u64(at + 8);
            long symbolIndex = info >>> 32;
            // In relocatable files offsets are relative to the target; elsewhere they are addresses.
            if (type == ET_REL && Long.compareUnsigned(offset, target.size()) >= 0) {
                throw new ElfFormatException("relocation " + i + " in " + section.describe() + " has offset "
                        + Long.toUnsignedString(offset) + " outside " + target.describe() + " (" + target.size()
                        + " bytes)", at);
            }
            Symbol symbol;
            if (symbolIndex == 0) {
                symbol = symbols.isEmpty() ? NULL_SYMBOL : symbols.get(0);
            } else if (symbolIndex < symbols.size()) {
                symbol = symbols.get((int) symbolIndex);
            } else {
                throw new ElfFormatException("relocation " + i + " in " + section.describe() + " refers to symbol "
                        + symbolIndex + ", but the symbol table has " + symbols.size(), at + 8);
            }
            relocations.add(new Relocation(offset, symbol, (int) info, withAddend ? bytes.u64(at + 16) : 0));
        }
        return relocations;
    }

    private List<Symbol> symbolsOf(int tableIndex) {
        if (tableIndex == 0) {
            return List.of();
        }
        return sections.get(tableIndex).type() == Section.SHT_SYMTAB ? symbolTable : dynamicSymbolTable;
    }

    private long headerOffset(Section section) {
        return sectionHeaderOffset + (long) section.index() * SECTION_HEADER_SIZE;
    }

    private record RawSection(int index, long headerOffset, long nameOffset, int type, long flags, long address,
            long offset, long size, int link, int info, long alignment, long entrySize) {
    }

    private record FileRange(long start, long end, String what, long where, boolean section) {
    }
}
