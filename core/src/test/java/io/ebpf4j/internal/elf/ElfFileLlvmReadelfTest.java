package io.ebpf4j.internal.elf;

import io.ebpf4j.testing.Fixtures;

import io.ebpf4j.internal.elf.LlvmReadelf.Block;
import io.ebpf4j.internal.elf.LlvmReadelf.Output;
import io.ebpf4j.internal.elf.LlvmReadelf.RelocationGroup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Compares everything the reader returns with llvm-readelf's view of the same file: the BPF fixtures, and real
 * executables and shared libraries of this machine (the Java launcher running the test, and libc).
 */
class ElfFileLlvmReadelfTest {

    private static final int NT_GNU_BUILD_ID = 3;

    private static String tool;

    @BeforeAll
    static void findTool() {
        tool = LlvmReadelf.command().orElse(null);
    }

    static List<String> objects() {
        return Fixtures.files();
    }

    @ParameterizedTest
    @MethodSource("objects")
    void fixtureMatchesLlvmReadelf(String file) throws Exception {
        compare(Fixtures.path(file), false);
    }

    @Test
    void javaLauncherMatchesLlvmReadelf() throws Exception {
        Path launcher = Path.of(ProcessHandle.current().info().command().orElseThrow()).toRealPath();
        ElfFile elf = compare(launcher, true);

        assertThat(elf.type()).isIn(ElfFile.ET_EXEC, ElfFile.ET_DYN);
        assertThat(elf.programHeaders()).isNotEmpty();
        assertThat(elf.dynamicSymbols()).isNotEmpty();
        assertBuildIdNote(elf);
    }

    @Test
    void libcMatchesLlvmReadelf() throws Exception {
        Optional<Path> libc = loadedLibrary("/libc.so.6");
        assumeTrue(libc.isPresent(), "libc.so.6 is not mapped into this process");
        ElfFile elf = compare(libc.get(), true);

        assertBuildIdNote(elf);
        // A function's file offset through the program headers must agree with the one through its section.
        Symbol getpid = elf.dynamicSymbols().stream().filter(s -> s.name().equals("getpid")).findFirst().orElseThrow();
        Section text = elf.section(getpid.sectionIndex());
        assertThat(elf.fileOffset(getpid.value()))
                .hasValue(text.offset() + (getpid.value() - text.address()));
    }

    private ElfFile compare(Path file, boolean executable) throws IOException, InterruptedException {
        assumeTrue(tool != null, "llvm-readelf is not installed");
        ElfFile elf = ElfFile.parse(Files.readAllBytes(file));
        Output expected = LlvmReadelf.run(tool, file);
        assertThat(expected.sections()).as("llvm-readelf output parsed").isNotEmpty();
        assertThat(expected.relocations()).as("llvm-readelf output parsed").isNotEmpty();
        assertThat(executable ? expected.dynamicSymbols() : expected.symbols()).as("llvm-readelf output parsed")
                .isNotEmpty();

        assertSections(elf, expected.sections());
        assertSymbols(elf.symbols(), expected.symbols(), false);
        assertSymbols(elf.dynamicSymbols(), expected.dynamicSymbols(), executable);
        assertProgramHeaders(elf, expected.programHeaders());
        assertRelocations(elf, expected.relocations());
        return elf;
    }

    private static void assertSections(ElfFile elf, List<Block> expected) {
        assertThat(elf.sections()).hasSameSizeAs(expected);
        for (Block e : expected) {
            Section s = elf.section((int) e.number("Index"));
            String where = "section " + s.index();
            assertThat(s.name()).as(where).isEqualTo(e.name("Name"));
            assertThat(s.type()).as(where).isEqualTo((int) e.number("Type"));
            assertThat(s.flags()).as(where).isEqualTo(e.number("Flags"));
            assertThat(s.address()).as(where).isEqualTo(e.number("Address"));
            assertThat(s.offset()).as(where).isEqualTo(e.number("Offset"));
            assertThat(s.size()).as(where).isEqualTo(e.number("Size"));
            assertThat(s.link()).as(where).isEqualTo((int) e.number("Link"));
            assertThat(s.info()).as(where).isEqualTo((int) e.number("Info"));
            assertThat(s.alignment()).as(where).isEqualTo(e.number("AddressAlignment"));
            assertThat(s.entrySize()).as(where).isEqualTo(e.number("EntrySize"));
        }
    }

    /** {@code expected} includes the null symbol at index 0, {@code actual} does not. */
    private static void assertSymbols(List<Symbol> actual, List<Block> expected, boolean versioned) {
        assertThat(actual).hasSize(Math.max(0, expected.size() - 1));
        for (int i = 1; i < expected.size(); i++) {
            Block e = expected.get(i);
            Symbol s = actual.get(i - 1);
            String where = "symbol " + i;
            assertThat(s.index()).as(where).isEqualTo(i);
            // llvm-readelf shows section symbols under their section's name and dynamic symbols with a version.
            String name = e.number("Name") == 0 ? "" : e.name("Name");
            if (versioned && name.contains("@")) {
                name = name.substring(0, name.indexOf('@'));
            }
            assertThat(s.name()).as(where).isEqualTo(name);
            assertThat(s.value()).as(where).isEqualTo(e.number("Value"));
            assertThat(s.size()).as(where).isEqualTo(e.number("Size"));
            assertThat(s.binding()).as(where).isEqualTo((int) e.number("Binding"));
            assertThat(s.type()).as(where).isEqualTo((int) e.number("Type"));
            assertThat(s.visibility()).as(where).isEqualTo((int) e.number("Other") & 0x3);
            assertThat(s.sectionIndex()).as(where).isEqualTo((int) e.number("Section"));
        }
    }

    private static void assertProgramHeaders(ElfFile elf, List<Block> expected) {
        assertThat(elf.programHeaders()).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Block e = expected.get(i);
            ProgramHeader p = elf.programHeaders().get(i);
            String where = "program header " + i;
            assertThat(p.type()).as(where).isEqualTo((int) e.number("Type"));
            assertThat(p.offset()).as(where).isEqualTo(e.number("Offset"));
            assertThat(p.virtualAddress()).as(where).isEqualTo(e.number("VirtualAddress"));
            assertThat(p.physicalAddress()).as(where).isEqualTo(e.number("PhysicalAddress"));
            assertThat(p.fileSize()).as(where).isEqualTo(e.number("FileSize"));
            assertThat(p.memorySize()).as(where).isEqualTo(e.number("MemSize"));
            assertThat(p.flags()).as(where).isEqualTo((int) e.number("Flags"));
            assertThat(p.alignment()).as(where).isEqualTo(e.number("Alignment"));
            if (p.isLoad() && p.fileSize() > 0) {
                assertThat(elf.fileOffset(p.virtualAddress())).as(where).hasValue(p.offset());
            }
        }
    }

    /** Relocation sections with a target section (sh_info != 0), merged per target and ordered by offset. */
    private static void assertRelocations(ElfFile elf, List<RelocationGroup> groups) {
        Map<Integer, List<Block>> expectedByTarget = new HashMap<>();
        for (RelocationGroup group : groups) {
            int target = elf.section(group.sectionIndex()).info();
            if (target != 0) {
                expectedByTarget.computeIfAbsent(target, t -> new ArrayList<>()).addAll(group.entries());
            }
        }
        for (Section target : elf.sections()) {
            List<Block> expected = new ArrayList<>(expectedByTarget.getOrDefault(target.index(), List.of()));
            expected.sort(Comparator.comparing(b -> b.number("Offset"), Long::compareUnsigned));
            List<Relocation> actual = elf.relocations(target);
            assertThat(actual).as(target.describe()).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                Block e = expected.get(i);
                Relocation r = actual.get(i);
                String where = "relocation " + i + " of " + target.describe();
                assertThat(r.offset()).as(where).isEqualTo(e.number("Offset"));
                assertThat(r.type()).as(where).isEqualTo((int) e.number("Type"));
                assertThat(r.symbol().index()).as(where).isEqualTo((int) e.number("Symbol"));
                long addend = e.fields().containsKey("Addend") ? LlvmReadelf.parseNumber(e.text("Addend")) : 0;
                assertThat(r.addend()).as(where).isEqualTo(addend);
            }
        }
    }

    private static void assertBuildIdNote(ElfFile elf) {
        Section section = elf.section(".note.gnu.build-id").orElseThrow();
        List<Note> notes = elf.notes(section);
        assertThat(notes).singleElement().satisfies(n -> {
            assertThat(n.owner()).isEqualTo("GNU");
            assertThat(n.type()).isEqualTo(NT_GNU_BUILD_ID);
            assertThat(n.descriptor().remaining()).isEqualTo(section.size() - 16);
        });
        List<Note> segmentNotes = elf.programHeaders().stream()
                .filter(p -> p.type() == ProgramHeader.PT_NOTE)
                .flatMap(p -> elf.notes(p).stream())
                .toList();
        assertThat(segmentNotes).contains(notes.get(0));
        for (Section s : elf.sections()) {
            if (s.type() == Section.SHT_NOTE) {
                assertThat(elf.notes(s)).as(s.name()).isNotEmpty();
            }
        }
    }

    private static Optional<Path> loadedLibrary(String suffix) throws IOException {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.map(line -> line.substring(Math.max(0, line.indexOf('/'))))
                    .filter(path -> path.startsWith("/") && path.endsWith(suffix))
                    .findFirst()
                    .map(Path::of);
        }
    }
}
