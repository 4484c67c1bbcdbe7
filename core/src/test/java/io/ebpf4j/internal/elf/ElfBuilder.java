package io.ebpf4j.internal.elf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small ELF64 files for tests, in either byte order: header, program headers, section contents, a generated
 * {@code .shstrtab} (always the last section) and the section header table at the end.
 */
final class ElfBuilder {

    private record SectionSpec(String name, int type, long flags, byte[] contents, long size, int link, int info,
            long alignment, long entrySize, long address) {
    }

    private record SegmentSpec(int type, int flags, int sectionIndex, long virtualAddress, long alignment) {
    }

    private final ByteOrder order;
    private int type = ElfFile.ET_REL;
    private int machine = ElfFile.EM_BPF;
    private final List<SectionSpec> sections = new ArrayList<>();
    private final List<SegmentSpec> segments = new ArrayList<>();

    ElfBuilder(ByteOrder order) {
        this.order = order;
    }

    ElfBuilder type(int type) {
        this.type = type;
        return this;
    }

    ElfBuilder machine(int machine) {
        this.machine = machine;
        return this;
    }

    /** Adds a section and returns its index (1 for the first: index 0 is the null section). */
    int section(String name, int type, long flags, byte[] contents, int link, int info, long alignment,
            long entrySize) {
        return section(name, type, flags, contents, link, info, alignment, entrySize, 0);
    }

    int section(String name, int type, long flags, byte[] contents, int link, int info, long alignment, long entrySize,
            long address) {
        sections.add(new SectionSpec(name, type, flags, contents, contents.length, link, info, alignment, entrySize,
                address));
        return sections.size();
    }

    int noBits(String name, long size) {
        sections.add(new SectionSpec(name, Section.SHT_NOBITS, Section.SHF_ALLOC | Section.SHF_WRITE, new byte[0],
                size, 0, 0, 8, 0, 0));
        return sections.size();
    }

    /** Index the next {@link #section} call will return. */
    int nextIndex() {
        return sections.size() + 1;
    }

    /** Adds a segment covering exactly the contents of section {@code sectionIndex}. */
    ElfBuilder segment(int type, int flags, int sectionIndex, long virtualAddress, long alignment) {
        segments.add(new SegmentSpec(type, flags, sectionIndex, virtualAddress, alignment));
        return this;
    }

    byte[] build() {
        List<SectionSpec> all = new ArrayList<>(sections);
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        names.write(0);
        int[] nameOffsets = new int[all.size() + 2];
        for (int i = 0; i < all.size(); i++) {
            nameOffsets[i + 1] = names.size();
            names.writeBytes((all.get(i).name() + "\0").getBytes(StandardCharsets.UTF_8));
        }
        nameOffsets[all.size() + 1] = names.size();
        names.writeBytes(".shstrtab\0".getBytes(StandardCharsets.UTF_8));
        all.add(new SectionSpec(".shstrtab", Section.SHT_STRTAB, 0, names.toByteArray(), names.size(), 0, 0, 1, 0, 0));

        long position = 64 + 56L * segments.size();
        long[] offsets = new long[all.size() + 1];
        for (int i = 0; i < all.size(); i++) {
            SectionSpec s = all.get(i);
            long align = Math.max(1, s.alignment());
            position = (position + align - 1) / align * align;
            offsets[i + 1] = position;
            position += s.contents().length;
        }
        long sectionHeaderOffset = (position + 7) / 8 * 8;
        int sectionCount = all.size() + 1;
        ByteBuffer out = ByteBuffer.allocate((int) (sectionHeaderOffset + 64L * sectionCount)).order(order);

        out.put(new byte[] {0x7f, 'E', 'L', 'F', 2, (byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 2), 1, 0});
        out.position(16);
        out.putShort((short) type).putShort((short) machine).putInt(1).putLong(0)
                .putLong(segments.isEmpty() ? 0 : 64).putLong(sectionHeaderOffset).putInt(0)
                .putShort((short) 64).putShort((short) 56).putShort((short) segments.size())
                .putShort((short) 64).putShort((short) sectionCount).putShort((short) (sectionCount - 1));

        for (SegmentSpec segment : segments) {
            SectionSpec s = all.get(segment.sectionIndex() - 1);
            out.putInt(segment.type()).putInt(segment.flags()).putLong(offsets[segment.sectionIndex()])
                    .putLong(segment.virtualAddress()).putLong(segment.virtualAddress())
                    .putLong(s.contents().length).putLong(s.size()).putLong(segment.alignment());
        }
        for (int i = 0; i < all.size(); i++) {
            out.put((int) offsets[i + 1], all.get(i).contents());
        }
        out.position((int) sectionHeaderOffset + 64); // section 0 stays all zero
        for (int i = 0; i < all.size(); i++) {
            SectionSpec s = all.get(i);
            out.putInt(nameOffsets[i + 1]).putInt(s.type()).putLong(s.flags()).putLong(s.address())
                    .putLong(offsets[i + 1]).putLong(s.size()).putInt(s.link()).putInt(s.info())
                    .putLong(s.alignment()).putLong(s.entrySize());
        }
        return out.array();
    }

    /** Encodes symbol table entries; the null symbol is added first. */
    static byte[] symbols(ByteOrder order, SymbolSpec... symbols) {
        ByteBuffer out = ByteBuffer.allocate(24 * (symbols.length + 1)).order(order);
        out.position(24);
        for (SymbolSpec s : symbols) {
            out.putInt(s.nameOffset()).put((byte) (s.binding() << 4 | s.type())).put((byte) s.visibility())
                    .putShort((short) s.sectionIndex()).putLong(s.value()).putLong(s.size());
        }
        return out.array();
    }

    record SymbolSpec(int nameOffset, int type, int binding, int visibility, int sectionIndex, long value, long size) {
    }

    /** A string table from the given strings, each NUL-terminated, after the leading empty string. */
    static byte[] strings(String... strings) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        for (String s : strings) {
            out.writeBytes((s + "\0").getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** Offset of {@code strings[index]} in {@link #strings(String...)}'s result. */
    static int stringOffset(int index, String... strings) {
        int offset = 1;
        for (int i = 0; i < index; i++) {
            offset += strings[i].getBytes(StandardCharsets.UTF_8).length + 1;
        }
        return offset;
    }

    /** Encodes {@code SHT_REL} entries from (offset, symbol, type) triples. */
    static byte[] relocations(ByteOrder order, long... triples) {
        ByteBuffer out = ByteBuffer.allocate(16 * (triples.length / 3)).order(order);
        for (int i = 0; i < triples.length; i += 3) {
            out.putLong(triples[i]).putLong(triples[i + 1] << 32 | triples[i + 2]);
        }
        return out.array();
    }

    /** Encodes {@code SHT_RELA} entries from (offset, symbol, type, addend) quadruples. */
    static byte[] relocationsWithAddend(ByteOrder order, long... quadruples) {
        ByteBuffer out = ByteBuffer.allocate(24 * (quadruples.length / 4)).order(order);
        for (int i = 0; i < quadruples.length; i += 4) {
            out.putLong(quadruples[i]).putLong(quadruples[i + 1] << 32 | quadruples[i + 2]).putLong(quadruples[i + 3]);
        }
        return out.array();
    }

    /** Encodes one note with 4-byte padding. */
    static byte[] note(ByteOrder order, String owner, int type, byte[] descriptor) {
        byte[] name = (owner + "\0").getBytes(StandardCharsets.UTF_8);
        int nameSize = (name.length + 3) & ~3;
        int descriptorSize = (descriptor.length + 3) & ~3;
        ByteBuffer out = ByteBuffer.allocate(12 + nameSize + descriptorSize).order(order);
        out.putInt(name.length).putInt(descriptor.length).putInt(type).put(name);
        out.position(12 + nameSize);
        out.put(descriptor);
        return out.array();
    }
}
