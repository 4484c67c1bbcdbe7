package io.ebpf4j.internal.elf;

import io.ebpf4j.testing.Fixtures;

import io.ebpf4j.ElfFormatException;
import io.ebpf4j.internal.elf.ElfBuilder.SymbolSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static io.ebpf4j.internal.elf.Section.SHF_ALLOC;
import static io.ebpf4j.internal.elf.Section.SHF_EXECINSTR;
import static io.ebpf4j.internal.elf.Section.SHF_INFO_LINK;
import static io.ebpf4j.internal.elf.Section.SHF_WRITE;
import static io.ebpf4j.internal.elf.Section.SHT_DYNSYM;
import static io.ebpf4j.internal.elf.Section.SHT_NOTE;
import static io.ebpf4j.internal.elf.Section.SHT_PROGBITS;
import static io.ebpf4j.internal.elf.Section.SHT_REL;
import static io.ebpf4j.internal.elf.Section.SHT_RELA;
import static io.ebpf4j.internal.elf.Section.SHT_STRTAB;
import static io.ebpf4j.internal.elf.Section.SHT_SYMTAB;
import static io.ebpf4j.internal.elf.Section.SHT_SYMTAB_SHNDX;
import static io.ebpf4j.internal.elf.Symbol.STB_GLOBAL;
import static io.ebpf4j.internal.elf.Symbol.STT_FUNC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hand-built files for what the BPF fixtures do not contain: escapes, executables' tables, notes, edge cases. */
class ElfFileSyntheticTest {

    static List<ByteOrder> byteOrders() {
        return List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN);
    }

    @ParameterizedTest
    @MethodSource("byteOrders")
    void extendedSectionCountAndStringTableIndexInSectionZero(ByteOrder order) {
        String file = "maps" + (order == ByteOrder.BIG_ENDIAN ? Fixtures.BIG_ENDIAN_SUFFIX : Fixtures.LITTLE_ENDIAN_SUFFIX);
        byte[] bytes = Fixtures.bytes(file);
        ElfFile original = ElfFile.parse(bytes);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(order);
        long section0 = buffer.getLong(40);
        int count = buffer.getShort(60) & 0xffff;
        int stringIndex = buffer.getShort(62) & 0xffff;
        buffer.putShort(60, (short) 0).putLong((int) section0 + 32, count);
        buffer.putShort(62, (short) 0xffff).putInt((int) section0 + 40, stringIndex);

        ElfFile escaped = ElfFile.parse(bytes);

        assertThat(escaped.sections().subList(1, count)).isEqualTo(original.sections().subList(1, count));
        assertThat(escaped.section(0).size()).isEqualTo(count);
        assertThat(escaped.symbols()).isEqualTo(original.symbols());
    }

    @ParameterizedTest
    @MethodSource("byteOrders")
    void extendedProgramHeaderCountInSectionZero(ByteOrder order) {
        ElfBuilder builder = new ElfBuilder(order).type(ElfFile.ET_EXEC).machine(ElfFile.EM_X86_64);
        int text = builder.section(".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, new byte[16], 0, 0, 16, 0,
                0x401000);
        builder.segment(ProgramHeader.PT_LOAD, ProgramHeader.PF_R | ProgramHeader.PF_X, text, 0x401000, 0x1000);
        byte[] bytes = builder.build();
        ElfFile original = ElfFile.parse(bytes);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(order);
        buffer.putShort(56, (short) 0xffff).putInt((int) buffer.getLong(40) + 44, 1);

        assertThat(ElfFile.parse(bytes).programHeaders()).isEqualTo(original.programHeaders()).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("byteOrders")
    void symbolSectionIndexThroughSymtabShndx(ByteOrder order) {
        assertThat(ElfFile.parse(withExtendedSymbolIndex(order, 1, 2)).symbols())
                .singleElement().satisfies(s -> {
                    assertThat(s.name()).isEqualTo("func");
                    assertThat(s.sectionIndex()).isEqualTo(1);
                    assertThat(s.isDefinedInSection()).isTrue();
                });
        assertThatThrownBy(() -> ElfFile.parse(withExtendedSymbolIndex(order, 99, 2)))
                .isInstanceOf(ElfFormatException.class).hasMessageContaining("extended section index 99");
        assertThatThrownBy(() -> ElfFile.parse(withExtendedSymbolIndex(order, 1, 1)))
                .isInstanceOf(ElfFormatException.class).hasMessageContaining("has no entry in");
    }

    /** .text, .strtab, .symtab with one SHN_XINDEX symbol, .symtab_shndx with {@code entries} entries. */
    private static byte[] withExtendedSymbolIndex(ByteOrder order, int sectionIndex, int entries) {
        ElfBuilder builder = new ElfBuilder(order);
        int text = builder.section(".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, new byte[16], 0, 0, 8, 0);
        int strings = builder.section(".strtab", SHT_STRTAB, 0, ElfBuilder.strings("func"), 0, 0, 1, 0);
        int symtab = builder.section(".symtab", SHT_SYMTAB, 0, ElfBuilder.symbols(order,
                new SymbolSpec(1, STT_FUNC, STB_GLOBAL, 0, Symbol.SHN_XINDEX, 0, 16)), strings, 1, 8, 24);
        ByteBuffer indices = ByteBuffer.allocate(4 * entries).order(order);
        if (entries > 1) {
            indices.putInt(4, sectionIndex);
        }
        builder.section(".symtab_shndx", SHT_SYMTAB_SHNDX, 0, indices.array(), symtab, 0, 4, 4);
        assertThat(text).isEqualTo(1);
        return builder.build();
    }

    @ParameterizedTest
    @MethodSource("byteOrders")
    void executableWithDynamicSymbolsRelocationsSegmentsAndNotes(ByteOrder order) {
        String[] names = {"probe_target", "malloc"};
        byte[] usdt = "usdt-note-descriptor".getBytes(StandardCharsets.US_ASCII);
        ElfBuilder builder = new ElfBuilder(order).type(ElfFile.ET_DYN).machine(ElfFile.EM_X86_64);
        int text = builder.section(".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, new byte[32], 0, 0, 16, 0,
                0x1000);
        byte[] notes = concat(ElfBuilder.note(order, "stapsdt", 3, usdt), ElfBuilder.note(order, "GNU", 3,
                new byte[] {1, 2, 3, 4}));
        int stapsdt = builder.section(".note.stapsdt", SHT_NOTE, 0, notes, 0, 0, 4, 0);
        int dynstr = builder.section(".dynstr", SHT_STRTAB, SHF_ALLOC, ElfBuilder.strings(names), 0, 0, 1, 0);
        int dynsym = builder.section(".dynsym", SHT_DYNSYM, SHF_ALLOC, ElfBuilder.symbols(order,
                new SymbolSpec(ElfBuilder.stringOffset(0, names), STT_FUNC, STB_GLOBAL, 0, text, 0x1010, 8),
                new SymbolSpec(ElfBuilder.stringOffset(1, names), STT_FUNC, STB_GLOBAL, 0, 0, 0, 0)),
                dynstr, 1, 8, 24);
        int got = builder.section(".got", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, new byte[16], 0, 0, 8, 8, 0x3000);
        builder.section(".rela.plt", SHT_RELA, SHF_ALLOC | SHF_INFO_LINK, ElfBuilder.relocationsWithAddend(order,
                0x3008, 2, 7, 0, 0x3000, 1, 6, -16), dynsym, got, 8, 24);
        builder.section(".rela.dyn", SHT_RELA, SHF_ALLOC, ElfBuilder.relocationsWithAddend(order,
                0x3000, 0, 8, 0x1000), dynsym, 0, 8, 24);
        int bss = builder.noBits(".bss", 1 << 20);
        builder.segment(ProgramHeader.PT_LOAD, ProgramHeader.PF_R | ProgramHeader.PF_X, text, 0x1000, 0x1000)
                .segment(ProgramHeader.PT_LOAD, ProgramHeader.PF_R | ProgramHeader.PF_W, got, 0x3000, 0x1000)
                .segment(ProgramHeader.PT_NOTE, ProgramHeader.PF_R, stapsdt, 0, 4);

        ElfFile elf = ElfFile.parse(builder.build());

        assertThat(elf.type()).isEqualTo(ElfFile.ET_DYN);
        assertThat(elf.machine()).isEqualTo(ElfFile.EM_X86_64);
        assertThat(elf.byteOrder()).isEqualTo(order);
        assertThat(elf.symbols()).isEmpty();
        assertThat(elf.dynamicSymbols()).extracting(Symbol::name).containsExactly(names);
        assertThat(elf.dynamicSymbols().get(1).isUndefined()).isTrue();

        Section gotSection = elf.section(got);
        assertThat(elf.relocations(gotSection)).containsExactly(
                new Relocation(0x3000, elf.dynamicSymbols().get(0), 6, -16),
                new Relocation(0x3008, elf.dynamicSymbols().get(1), 7, 0));
        assertThat(elf.relocations(elf.section(text))).isEmpty();

        Section textSection = elf.section(text);
        assertThat(elf.fileOffset(0x1010)).hasValue(textSection.offset() + 0x10);
        assertThat(elf.fileOffset(0x3008)).hasValue(gotSection.offset() + 8);
        assertThat(elf.fileOffset(0x1020)).isEmpty(); // just past .text's file-backed bytes
        assertThat(elf.fileOffset(0x2000)).isEmpty();
        assertThat(elf.fileOffset(-1)).isEmpty();
        assertThat(elf.programHeaders().get(0).isExecutable()).isTrue();
        assertThat(elf.data(elf.programHeaders().get(0)).remaining()).isEqualTo(32);

        List<Note> sectionNotes = elf.notes(elf.section(stapsdt));
        assertThat(sectionNotes).extracting(Note::owner).containsExactly("stapsdt", "GNU");
        assertThat(sectionNotes).extracting(Note::type).containsExactly(3, 3);
        assertThat(bytes(sectionNotes.get(0).descriptor())).isEqualTo(usdt);
        assertThat(bytes(sectionNotes.get(1).descriptor())).containsExactly(1, 2, 3, 4);
        assertThat(elf.notes(elf.programHeaders().get(2))).isEqualTo(sectionNotes);

        assertThat(elf.data(elf.section(bss)).remaining()).isZero();
        assertThat(elf.section(bss).size()).isEqualTo(1 << 20);
    }

    @Test
    void noBitsSectionMayPointPastTheEnd() {
        ElfBuilder builder = new ElfBuilder(ByteOrder.LITTLE_ENDIAN);
        int bss = builder.noBits(".bss", 64);
        byte[] bytes = builder.build();
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong((int) (buffer.getLong(40) + 64L * bss + 24), 1L << 50);

        ElfFile elf = ElfFile.parse(bytes);

        assertThat(elf.section(".bss").orElseThrow().offset()).isEqualTo(1L << 50);
        assertThat(elf.data(elf.section(bss)).remaining()).isZero();
    }

    @Test
    void relocationsFromSeveralSectionsAreMergedAndSortedByOffset() {
        ByteOrder order = ByteOrder.BIG_ENDIAN;
        ElfBuilder builder = new ElfBuilder(order);
        int text = builder.section(".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, new byte[32], 0, 0, 8, 0);
        int strings = builder.section(".strtab", SHT_STRTAB, 0, ElfBuilder.strings("f"), 0, 0, 1, 0);
        int symtab = builder.section(".symtab", SHT_SYMTAB, 0, ElfBuilder.symbols(order,
                new SymbolSpec(1, STT_FUNC, STB_GLOBAL, 0, text, 0, 32)), strings, 1, 8, 24);
        builder.section(".rel.text", SHT_REL, SHF_INFO_LINK, ElfBuilder.relocations(order, 16, 1, 10), symtab, text,
                8, 16);
        builder.section(".rel.text.more", SHT_REL, SHF_INFO_LINK, ElfBuilder.relocations(order, 8, 1, 1, 0, 0, 1),
                symtab, text, 8, 16);

        ElfFile elf = ElfFile.parse(builder.build());

        assertThat(elf.relocations(elf.section(text))).extracting(Relocation::offset).containsExactly(0L, 8L, 16L);
        assertThat(elf.relocations(elf.section(text)).get(0).symbol()).isEqualTo(elf.symbol(0));
        assertThat(elf.relocations(elf.section(text)).get(1).symbol().name()).isEqualTo("f");
    }

    @Test
    void relocationsWithoutSymbolTableMayOnlyUseTheNullSymbol() {
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        ElfBuilder builder = new ElfBuilder(order).type(ElfFile.ET_EXEC).machine(ElfFile.EM_X86_64);
        int got = builder.section(".got", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, new byte[8], 0, 0, 8, 8, 0x4000);
        builder.section(".rela.plt", SHT_RELA, SHF_ALLOC | SHF_INFO_LINK, ElfBuilder.relocationsWithAddend(order,
                0x4000, 0, 37, 0x1234), 0, got, 8, 24);
        ElfFile elf = ElfFile.parse(builder.build());
        assertThat(elf.relocations(elf.section(got))).singleElement().satisfies(r -> {
            assertThat(r.symbol().index()).isZero();
            assertThat(r.symbol().name()).isEmpty();
            assertThat(r.addend()).isEqualTo(0x1234);
        });

        ElfBuilder withSymbol = new ElfBuilder(order).type(ElfFile.ET_EXEC).machine(ElfFile.EM_X86_64);
        int got2 = withSymbol.section(".got", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, new byte[8], 0, 0, 8, 8, 0x4000);
        withSymbol.section(".rela.plt", SHT_RELA, SHF_ALLOC | SHF_INFO_LINK, ElfBuilder.relocationsWithAddend(order,
                0x4000, 1, 7, 0), 0, got2, 8, 24);
        assertThatThrownBy(() -> ElfFile.parse(withSymbol.build())).isInstanceOf(ElfFormatException.class)
                .hasMessageContaining("refers to symbol 1");
    }

    @Test
    void symbolNameWithoutTerminatorIsRejected() {
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        ElfBuilder builder = new ElfBuilder(order);
        int strings = builder.section(".strtab", SHT_STRTAB, 0, new byte[] {0, 'a', 'b', 'c'}, 0, 0, 1, 0);
        builder.section(".symtab", SHT_SYMTAB, 0, ElfBuilder.symbols(order,
                new SymbolSpec(1, STT_FUNC, STB_GLOBAL, 0, 0, 0, 0)), strings, 1, 8, 24);
        assertThatThrownBy(() -> ElfFile.parse(builder.build())).isInstanceOf(ElfFormatException.class)
                .hasMessageContaining("st_name of symbol 1").hasMessageContaining("not NUL-terminated");
    }

    @Test
    void malformedNotesAreRejectedWhenRead() {
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        byte[] good = ElfBuilder.note(order, "GNU", 3, new byte[8]);
        byte[] longName = good.clone();
        ByteBuffer.wrap(longName).order(order).putInt(0, 1000);
        byte[] longDescriptor = good.clone();
        ByteBuffer.wrap(longDescriptor).order(order).putInt(4, 0x7fffffff);
        byte[] truncated = Arrays.copyOf(good, 8);

        assertThat(notes(good)).hasSize(1);
        assertThatThrownBy(() -> notes(longName)).isInstanceOf(ElfFormatException.class)
                .hasMessageContaining("note name");
        assertThatThrownBy(() -> notes(longDescriptor)).isInstanceOf(ElfFormatException.class)
                .hasMessageContaining("note descriptor");
        assertThatThrownBy(() -> notes(truncated)).isInstanceOf(ElfFormatException.class)
                .hasMessageContaining("truncated note header");
    }

    private static List<Note> notes(byte[] contents) {
        ElfBuilder builder = new ElfBuilder(ByteOrder.LITTLE_ENDIAN);
        int note = builder.section(".note.test", SHT_NOTE, 0, contents, 0, 0, 4, 0);
        ElfFile elf = ElfFile.parse(builder.build());
        return elf.notes(elf.section(note));
    }

    @Test
    void headerOnlyFileHasNoSections() {
        ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        header.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        header.putShort(16, (short) ElfFile.ET_EXEC).putShort(18, (short) ElfFile.EM_AARCH64).putInt(20, 1)
                .putLong(24, 0x400000).putShort(52, (short) 64);

        ElfFile elf = ElfFile.parse(header.array());

        assertThat(elf.machine()).isEqualTo(ElfFile.EM_AARCH64);
        assertThat(elf.entry()).isEqualTo(0x400000);
        assertThat(elf.sections()).isEmpty();
        assertThat(elf.symbols()).isEmpty();
        assertThat(elf.programHeaders()).isEmpty();
        assertThat(elf.section(".text")).isEmpty();
        assertThatThrownBy(() -> elf.section(0)).isInstanceOf(ElfFormatException.class);
        assertThatThrownBy(() -> elf.symbol(0)).isInstanceOf(ElfFormatException.class);
    }

    @Test
    void firstOfDuplicateNamesIsFoundByName() {
        ElfBuilder builder = new ElfBuilder(ByteOrder.LITTLE_ENDIAN);
        int first = builder.section("dup", SHT_PROGBITS, 0, new byte[8], 0, 0, 8, 0);
        builder.section("dup", SHT_PROGBITS, 0, new byte[16], 0, 0, 8, 0);
        ElfFile elf = ElfFile.parse(builder.build());
        assertThat(elf.section("dup")).contains(elf.section(first));
    }

    @Test
    void structuresFromAnotherFileAreRefused() {
        ElfFile maps = ElfFile.parse(Fixtures.bytes("maps.bpf.o"));
        ElfFile globals = ElfFile.parse(Fixtures.bytes("globals.bpf.o"));
        Section foreign = globals.section(".data").orElseThrow();
        assertThatThrownBy(() -> maps.data(foreign)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> maps.relocations(foreign)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> maps.notes(maps.section(".maps").orElseThrow()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a note section");
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}
