package io.ebpf4j.internal.elf;

import io.ebpf4j.testing.Fixtures;

import io.ebpf4j.ElfFormatException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Truncated and corrupted fixtures: each must be rejected with an {@link ElfFormatException} (never another
 * exception), quickly, and without allocating memory in proportion to a count or size the file claims.
 */
class ElfFileMalformedTest {

    private static final long TIME_LIMIT_NANOS = 1_000_000_000L;
    /** Far below what trusting a claimed count would cost (e.g. 65535 section headers), far above a real parse. */
    private static final long ALLOCATION_LIMIT = 2 << 20;
    private static final long HUGE = 1L << 40;

    @BeforeAll
    static void warmUp() {
        // Class loading and first-call costs would otherwise count towards the first measured parse.
        for (String file : Fixtures.files()) {
            ElfFile.parse(Fixtures.bytes(file));
            catchThrowable(() -> ElfFile.parse(Arrays.copyOf(Fixtures.bytes(file), 100)));
        }
    }

    @Test
    void allocationMeasurementWorksAndAValidParseStaysWellBelowTheLimit() {
        assumeTrue(Measurement.allocated() >= 0, "no per-thread allocation counter");
        byte[] largest = Fixtures.files().stream().map(Fixtures::bytes)
                .max(Comparator.comparingInt(b -> b.length)).orElseThrow();
        long before = Measurement.allocated();
        ElfFile elf = ElfFile.parse(largest);
        long allocated = Measurement.allocated() - before;
        assertThat(elf.sections()).isNotEmpty();
        assertThat(allocated).isPositive().isLessThan(ALLOCATION_LIMIT / 4);
    }

    /** A corruption of a fixture: returns the corrupt bytes, or null when it does not apply to this fixture. */
    private record Case(String description, Function<Corruptor, byte[]> corrupt, String expectedMessage) {
    }

    private static final List<Case> CASES = List.of(
            // identification and header
            new Case("bad magic", c -> c.with(1, 1, 'X'), "bad magic"),
            new Case("ELFCLASS32", c -> c.with(4, 1, 1), "ELFCLASS32"),
            new Case("unknown class", c -> c.with(4, 1, 7), "invalid ELF class"),
            new Case("no byte order", c -> c.with(5, 1, 0), "data encoding"),
            new Case("unknown byte order", c -> c.with(5, 1, 3), "data encoding"),
            new Case("identification version", c -> c.with(6, 1, 2), "identification version"),
            new Case("e_version", c -> c.with(20, 4, 0), "e_version"),
            new Case("e_ehsize", c -> c.with(52, 2, 52), "e_ehsize"),
            // section header table
            new Case("e_shoff past the end", c -> c.with(40, 8, c.length()), "extends past the end"),
            new Case("e_shoff near the end", c -> c.with(40, 8, c.length() - 10), "extends past the end"),
            new Case("e_shoff 2^64-1", c -> c.with(40, 8, -1), "extends past the end"),
            new Case("e_shoff inside the header", c -> c.with(40, 8, 8), "ELF header"),
            new Case("e_shoff shifted", c -> c.with(40, 8, c.sectionHeaderTable() - 8), null),
            new Case("e_shoff 0 with sections", c -> c.with(40, 8, 0), "e_shoff is 0"),
            new Case("e_shnum 65535", c -> c.with(60, 2, 0xffff), "65535 entries"),
            new Case("e_shnum one too many", c -> c.with(60, 2, c.sectionCount() + 1), "extends past the end"),
            new Case("extended e_shnum huge", c -> c.withAll(60, 2, 0, c.sectionHeader(0) + 32, 8, HUGE),
                    "entries"),
            new Case("extended e_shnum 2^64-1", c -> c.withAll(60, 2, 0, c.sectionHeader(0) + 32, 8, -1), "entries"),
            new Case("extended e_shnum missing", c -> c.with(60, 2, 0), "no extended section count"),
            new Case("e_shentsize 32", c -> c.with(58, 2, 32), "e_shentsize"),
            new Case("e_shentsize 0xffff", c -> c.with(58, 2, 0xffff), "e_shentsize"),
            new Case("e_shstrndx out of range", c -> c.with(62, 2, 0xfff0), "out of range"),
            new Case("e_shstrndx not a string table", c -> c.with(62, 2, c.index(".text")), "not of type SHT_STRTAB"),
            new Case("extended e_shstrndx huge", c -> c.withAll(62, 2, 0xffff, c.sectionHeader(0) + 40, 4, 0x7fffffff),
                    "out of range"),
            new Case("section 0 not SHT_NULL", c -> c.with(c.sectionHeader(0) + 4, 4, Section.SHT_PROGBITS),
                    "SHT_NULL"),
            // section ranges
            new Case("sh_offset past the end", c -> c.with(c.field(".BTF", 24), 8, c.length()), "extends past the end"),
            new Case("sh_offset 2^64-1", c -> c.with(c.field(".BTF", 24), 8, -1), "extends past the end"),
            new Case("sh_size huge", c -> c.with(c.field(".BTF", 32), 8, HUGE), "extends past the end"),
            new Case("sh_size 2^64-1", c -> c.with(c.field(".BTF", 32), 8, -1), "extends past the end"),
            new Case("sh_size one too many", c -> c.with(c.field(".strtab", 32), 8,
                    c.length() - c.section(".strtab").offset() + 1), "extends past the end"),
            new Case("sections overlap", c -> c.with(c.field("license", 24), 8, c.section(".BTF").offset() + 4),
                    "overlaps"),
            new Case("section over the ELF header", c -> c.with(c.field(".BTF", 24), 8, 0), "overlaps the ELF header"),
            new Case("section over the section header table", c -> c.with(c.field("license", 24), 8,
                    c.sectionHeaderTable() + 64), "overlaps the section header table"),
            new Case("sh_addralign 3", c -> c.with(c.field(".BTF", 48), 8, 3), "power of two"),
            // names
            new Case("sh_name past the table", c -> c.with(c.field(".BTF", 0), 4, 0x7fffffff), "outside string table"),
            new Case("sh_name 2^32-1", c -> c.with(c.field(".BTF", 0), 4, -1), "outside string table"),
            new Case("sh_name not NUL-terminated", c -> c.unterminatedName(), "not NUL-terminated"),
            // symbol table
            new Case("symtab sh_link out of range", c -> c.with(c.field(".symtab", 40), 4, 999),
                    "not a valid section index"),
            new Case("symtab sh_link to itself", c -> c.with(c.field(".symtab", 40), 4, c.index(".symtab")),
                    "not a string table"),
            new Case("symtab sh_link 0", c -> c.with(c.field(".symtab", 40), 4, 0), "not a valid section index"),
            new Case("symtab sh_entsize 16", c -> c.with(c.field(".symtab", 56), 8, 16), "sh_entsize"),
            new Case("symtab sh_entsize huge", c -> c.with(c.field(".symtab", 56), 8, HUGE), "sh_entsize"),
            new Case("symtab sh_size not a multiple", c -> c.with(c.field(".symtab", 32), 8,
                    c.section(".symtab").size() - 1), "not a multiple"),
            new Case("symtab sh_info too large", c -> c.with(c.field(".symtab", 44), 4, 0x10000), "local symbols"),
            new Case("st_name past the table", c -> c.with(c.symbolEntry(1), 4, 0x7ffffff0), "outside string table"),
            new Case("st_shndx out of range", c -> c.with(c.symbolEntry(1) + 6, 2, 0xfeff), "refers to section"),
            new Case("st_shndx SHN_XINDEX without table", c -> c.with(c.symbolEntry(1) + 6, 2, 0xffff), "SHN_XINDEX"),
            new Case("second symbol table", c -> c.secondSymbolTable(), "more than one SHT_SYMTAB"),
            // relocations
            new Case("rel sh_link to a non-symbol table", c -> c.with(c.relocationField(40), 4, c.index(".BTF")),
                    "not a symbol table"),
            new Case("rel sh_link out of range", c -> c.with(c.relocationField(40), 4, 0xffffff),
                    "not a valid section index"),
            new Case("rel sh_info out of range", c -> c.with(c.relocationField(44), 4, 0xffffff),
                    "not a valid section index"),
            new Case("rel sh_info negative", c -> c.with(c.relocationField(44), 4, -1), "not a valid section index"),
            new Case("rel sh_info to NOBITS", c -> c.hasBss() ? c.with(c.relocationField(44), 4, c.index(".bss"))
                    : null, "no contents to relocate"),
            new Case("rel sh_entsize 24", c -> c.with(c.relocationField(56), 8, 24), "sh_entsize"),
            new Case("rel sh_size not a multiple", c -> c.with(c.relocationField(32), 8,
                    c.firstRelocationSection().size() + 8), null),
            new Case("relocation symbol out of range", c -> c.with(c.relocationEntry(0) + (c.bigEndian() ? 8 : 12), 4,
                    0xffffff), "refers to symbol"),
            new Case("relocation offset past the target", c -> c.with(c.relocationEntry(0), 8, HUGE), "outside"),
            new Case("relocation offset 2^64-1", c -> c.with(c.relocationEntry(0), 8, -1), "outside"),
            // program headers
            new Case("e_phnum with bad e_phentsize", c -> c.withAll(56, 2, 1, 54, 2, 0), "e_phentsize"),
            new Case("e_phoff past the end", c -> c.withAll(56, 2, 1, 54, 2, 56, 32, 8, c.length()), "past the end"),
            new Case("e_phoff inside the header", c -> c.withAll(56, 2, 1, 54, 2, 56, 32, 8, 16), "ELF header"),
            new Case("e_phnum 65534", c -> c.withAll(56, 2, 0xfffe, 54, 2, 56, 32, 8, 64), "65534 entries"),
            new Case("PN_XNUM with huge sh_info", c -> c.withAll(56, 2, 0xffff, 54, 2, 56, 32, 8, 64,
                    c.sectionHeader(0) + 44, 4, 0xfffffff0L), "entries"));

    @TestFactory
    Stream<DynamicTest> corruptedFixturesAreRejected() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String file : Fixtures.files()) {
            Corruptor corruptor = new Corruptor(Fixtures.bytes(file));
            for (Case c : CASES) {
                byte[] corrupt = c.corrupt().apply(corruptor);
                if (corrupt != null) {
                    tests.add(DynamicTest.dynamicTest(file + ": " + c.description(),
                            () -> assertRejected(corrupt, c.expectedMessage())));
                }
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> truncatedFixturesAreRejected() {
        return Fixtures.files().stream().map(file -> DynamicTest.dynamicTest(file, () -> {
            byte[] bytes = Fixtures.bytes(file);
            ElfFile elf = ElfFile.parse(bytes);
            TreeSet<Integer> cuts = new TreeSet<>(List.of(0, 1, 4, 15, 16, 17, 40, 63, 64, bytes.length - 1));
            for (Section s : elf.sections()) {
                cuts.add((int) s.offset());
                cuts.add((int) (s.offset() + s.fileSize()));
                cuts.add((int) (s.offset() + s.fileSize() / 2));
            }
            int sectionHeaderTable = (int) new Corruptor(bytes).sectionHeaderTable();
            for (int i = 0; i <= elf.sections().size(); i++) {
                cuts.add(sectionHeaderTable + 64 * i);
                cuts.add(sectionHeaderTable + 64 * i + 30);
            }
            Random random = new Random(file.hashCode());
            for (int i = 0; i < 200; i++) {
                cuts.add(random.nextInt(bytes.length));
            }
            for (int cut : cuts.headSet(bytes.length)) {
                assertRejected(Arrays.copyOf(bytes, cut), null);
            }
        }));
    }

    /**
     * Random corruption of the structures the reader interprets (headers, symbols, relocations): whatever the result,
     * parsing and every accessor either work or throw ElfFormatException.
     */
    @TestFactory
    Stream<DynamicTest> randomCorruptionOnlyEverThrowsElfFormatException() {
        return Fixtures.files().stream().map(file -> DynamicTest.dynamicTest(file, () -> {
            Corruptor corruptor = new Corruptor(Fixtures.bytes(file));
            List<long[]> regions = corruptor.interpretedRegions();
            Random random = new Random(31L * file.hashCode());
            long[] boundaries = {0, 1, 0x7f, 0x80, 0xff, 0xffff, 0xfff1, 0xff00, 0x7fffffffL, 0xffffffffL, -1, HUGE,
                    corruptor.length()};
            for (int iteration = 0; iteration < 1000; iteration++) {
                byte[] bytes = corruptor.original.clone();
                ByteBuffer buffer = ByteBuffer.wrap(bytes).order(corruptor.order);
                for (int change = 1 + random.nextInt(3); change > 0; change--) {
                    long[] region = regions.get(random.nextInt(regions.size()));
                    int at = (int) (region[0] + random.nextInt((int) Math.max(1, region[1] - 8)));
                    long value = random.nextBoolean() ? boundaries[random.nextInt(boundaries.length)]
                            : random.nextLong();
                    switch (random.nextInt(4)) {
                        case 0 -> buffer.put(at, (byte) value);
                        case 1 -> buffer.putShort(at, (short) value);
                        case 2 -> buffer.putInt(at, (int) value);
                        default -> buffer.putLong(at, value);
                    }
                }
                assertOnlyElfFormatExceptions(bytes);
            }
        }));
    }

    private static void assertOnlyElfFormatExceptions(byte[] bytes) {
        Measurement m = Measurement.start();
        try {
            ElfFile elf = ElfFile.parse(bytes);
            for (Section s : elf.sections()) {
                elf.data(s);
                elf.relocations(s);
                if (s.type() == Section.SHT_NOTE) {
                    catchElfFormatException(() -> elf.notes(s));
                }
            }
            elf.symbols().forEach(s -> catchElfFormatException(() -> elf.section(s.sectionIndex())));
        } catch (ElfFormatException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
        m.assertCheap();
    }

    private static void catchElfFormatException(Runnable action) {
        try {
            action.run();
        } catch (ElfFormatException expected) {
            // acceptable: the point is that nothing else escapes
        }
    }

    private static void assertRejected(byte[] bytes, String expectedMessage) {
        Measurement m = Measurement.start();
        Throwable thrown = catchThrowable(() -> ElfFile.parse(bytes));
        m.assertCheap();
        assertThat(thrown).isInstanceOf(ElfFormatException.class);
        if (expectedMessage != null) {
            assertThat(thrown).hasMessageContaining(expectedMessage);
        }
    }

    /** Time and (on HotSpot) bytes allocated by the current thread. */
    private record Measurement(long startNanos, long startAllocated) {
        static Measurement start() {
            return new Measurement(System.nanoTime(), allocated());
        }

        void assertCheap() {
            long elapsed = System.nanoTime() - startNanos;
            long allocated = allocated() - startAllocated;
            assertThat(elapsed).as("nanoseconds").isLessThan(TIME_LIMIT_NANOS);
            if (startAllocated >= 0) {
                assertThat(allocated).as("bytes allocated").isLessThan(ALLOCATION_LIMIT);
            }
        }

        private static long allocated() {
            if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean hotspot) {
                return hotspot.getCurrentThreadAllocatedBytes();
            }
            return -1;
        }
    }

    /** Writes fields of a fixture in its own byte order, locating structures through a parse of the original. */
    private static final class Corruptor {
        final byte[] original;
        final ByteOrder order;
        final ElfFile elf;

        Corruptor(byte[] original) {
            this.original = original;
            this.elf = ElfFile.parse(original);
            this.order = elf.byteOrder();
        }

        long length() {
            return original.length;
        }

        boolean bigEndian() {
            return order == ByteOrder.BIG_ENDIAN;
        }

        long sectionHeaderTable() {
            return ByteBuffer.wrap(original).order(order).getLong(40);
        }

        int sectionCount() {
            return elf.sections().size();
        }

        long sectionHeader(int index) {
            return sectionHeaderTable() + 64L * index;
        }

        Section section(String name) {
            return elf.section(name).orElseThrow(() -> new IllegalStateException("no section " + name));
        }

        int index(String name) {
            return section(name).index();
        }

        boolean hasBss() {
            return elf.section(".bss").isPresent();
        }

        /** File offset of a field of a named section's header. */
        long field(String sectionName, int fieldOffset) {
            return sectionHeader(index(sectionName)) + fieldOffset;
        }

        Section firstRelocationSection() {
            return elf.sections().stream().filter(s -> s.type() == Section.SHT_REL).findFirst().orElseThrow();
        }

        long relocationField(int fieldOffset) {
            return sectionHeader(firstRelocationSection().index()) + fieldOffset;
        }

        long relocationEntry(int index) {
            return firstRelocationSection().offset() + 16L * index;
        }

        long symbolEntry(int index) {
            return section(".symtab").offset() + 24L * index;
        }

        byte[] with(long offset, int width, long value) {
            return withAll(offset, width, value);
        }

        /** Applies (offset, width, value) triples. */
        byte[] withAll(long... triples) {
            byte[] copy = original.clone();
            ByteBuffer buffer = ByteBuffer.wrap(copy).order(order);
            for (int i = 0; i < triples.length; i += 3) {
                int at = (int) triples[i];
                switch ((int) triples[i + 1]) {
                    case 1 -> buffer.put(at, (byte) triples[i + 2]);
                    case 2 -> buffer.putShort(at, (short) triples[i + 2]);
                    case 4 -> buffer.putInt(at, (int) triples[i + 2]);
                    case 8 -> buffer.putLong(at, triples[i + 2]);
                    default -> throw new IllegalArgumentException("width " + triples[i + 1]);
                }
            }
            return copy;
        }

        /** Replaces the section name table's final NUL and points a section's name at the last string. */
        byte[] unterminatedName() {
            Section names = elf.section(ByteBuffer.wrap(original).order(order).getShort(62) & 0xffff);
            long last = names.offset() + names.size() - 1;
            return withAll(last, 1, 'x', field(".BTF", 0), 4, names.size() - 1);
        }

        /** Turns the last relocation section into a second (empty, otherwise valid) symbol table. */
        byte[] secondSymbolTable() {
            Section victim = elf.sections().stream().filter(s -> s.type() == Section.SHT_REL)
                    .reduce((a, b) -> b).orElseThrow();
            long header = sectionHeader(victim.index());
            return withAll(header + 4, 4, Section.SHT_SYMTAB, header + 40, 4, section(".symtab").link(),
                    header + 44, 4, 0, header + 56, 8, 24, header + 32, 8, 0);
        }

        /** {offset, length} of the ELF header, the section header table, the symbol table and relocation sections. */
        List<long[]> interpretedRegions() {
            List<long[]> regions = new ArrayList<>();
            regions.add(new long[] {0, 64});
            regions.add(new long[] {sectionHeaderTable(), 64L * sectionCount()});
            for (Section s : elf.sections()) {
                if (s.isSymbolTable() || s.isRelocation()) {
                    regions.add(new long[] {s.offset(), s.size()});
                }
            }
            return regions;
        }
    }
}
