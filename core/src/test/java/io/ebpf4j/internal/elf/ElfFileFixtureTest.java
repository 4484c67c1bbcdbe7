package io.ebpf4j.internal.elf;

import io.ebpf4j.testing.Fixtures;

import io.ebpf4j.AttachType;
import io.ebpf4j.ProgramType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Facts about the fixture objects known from their C sources, in both byte orders. */
class ElfFileFixtureTest {

    private static final int BPF_LD_IMM64 = 0x18;
    private static final int BPF_CALL = 0x85;
    private static final int BPF_PSEUDO_CALL = 1;

    static List<String> objects() {
        return Fixtures.files();
    }

    /**
     * Fixtures whose big-endian build has the same layout. clang's big-endian backend emits different code (and
     * so different section sizes and symbol offsets) for btf_core's CO-RE bitfield reads and usdt_args's
     * usdt.bpf.h argument decoding.
     */
    static List<String> names() {
        return Fixtures.twins().stream().filter(name -> !name.equals("btf_core") && !name.equals("usdt_args"))
                .toList();
    }

    @Test
    void everyFixtureHasBothByteOrders() {
        assertThat(names()).contains("minimal", "maps", "globals", "subprog", "sections");
        assertThat(Fixtures.objects()).containsAll(Fixtures.twins()).hasSize(Fixtures.twins().size() + 1)
                .contains("linked"); // linked.bpf.o: see Fixtures.twins
    }

    @ParameterizedTest
    @MethodSource("objects")
    void isABpfRelocatableObjectWithBtf(String file) {
        ElfFile elf = ElfFile.parse(Fixtures.bytes(file));

        assertThat(elf.machine()).isEqualTo(ElfFile.EM_BPF);
        assertThat(elf.type()).isEqualTo(ElfFile.ET_REL);
        assertThat(elf.elfClass()).isEqualTo(ElfFile.ELFCLASS64);
        assertThat(elf.byteOrder())
                .isEqualTo(file.endsWith(Fixtures.BIG_ENDIAN_SUFFIX) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        assertThat(elf.programHeaders()).isEmpty();
        assertThat(elf.dynamicSymbols()).isEmpty();
        assertThat(elf.section(".BTF")).isPresent();
        assertThat(elf.section(".BTF.ext")).isPresent();
        assertThat(string(elf, "license")).isEqualTo("GPL");
        for (Section s : elf.sections()) {
            ByteBuffer data = elf.data(s);
            assertThat(data.remaining()).as(s.name()).isEqualTo(s.fileSize());
            assertThat(data.isReadOnly()).isTrue();
            assertThat(data.order()).isEqualTo(elf.byteOrder());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.LITTLE_ENDIAN_SUFFIX, Fixtures.BIG_ENDIAN_SUFFIX})
    void minimal(String suffix) {
        ElfFile elf = ElfFile.parse(Fixtures.bytes("minimal" + suffix));
        Section program = elf.section("tracepoint/syscalls/sys_enter_openat").orElseThrow();
        Symbol function = symbol(elf, "count_openat");

        assertThat(program.isExecutable()).isTrue();
        assertThat(program.type()).isEqualTo(Section.SHT_PROGBITS);
        assertThat(program.size()).isPositive().isEqualTo(function.size());
        assertThat(program.size() % 8).isZero();
        assertThat(function.isFunction()).isTrue();
        assertThat(function.isGlobal()).isTrue();
        assertThat(function.sectionIndex()).isEqualTo(program.index());
        assertThat(function.value()).isZero();
        assertThat(elf.relocations(program)).isEmpty();
        assertThat(elf.section(".text").orElseThrow().size()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.LITTLE_ENDIAN_SUFFIX, Fixtures.BIG_ENDIAN_SUFFIX})
    void maps(String suffix) {
        ElfFile elf = ElfFile.parse(Fixtures.bytes("maps" + suffix));
        Section maps = elf.section(".maps").orElseThrow();
        Set<String> mapNames = Set.of("counts", "slots", "per_cpu", "pinned_lru", "events", "inner", "outer",
                "jump_table");
        for (String name : mapNames) {
            Symbol map = symbol(elf, name);
            assertThat(map.isObject()).as(name).isTrue();
            assertThat(map.isGlobal()).as(name).isTrue();
            assertThat(map.sectionIndex()).as(name).isEqualTo(maps.index());
            assertThat(map.value() + map.size()).as(name).isLessThanOrEqualTo(maps.size());
        }

        Section program = elf.section("tp/syscalls/sys_enter_getppid").orElseThrow();
        List<Relocation> references = elf.relocations(program);
        // "counts" is used twice (lookup, then update), every other map once; "inner" only through "outer".
        assertThat(references).extracting(r -> r.symbol().name()).containsExactlyInAnyOrder("counts", "counts",
                "slots", "per_cpu", "pinned_lru", "events", "outer", "jump_table");
        ByteBuffer code = elf.data(program);
        for (Relocation r : references) {
            assertThat(r.type()).isEqualTo(Relocation.R_BPF_64_64);
            assertThat(r.offset() % 8).isZero();
            assertThat(code.get((int) r.offset()) & 0xff).as("opcode at %d", r.offset()).isEqualTo(BPF_LD_IMM64);
        }
        assertThat(references).isSortedAccordingTo((a, b) -> Long.compare(a.offset(), b.offset()));

        // Initial values of the map-in-map and the prog array are relocations inside the .maps section.
        List<Relocation> initialValues = elf.relocations(maps);
        assertThat(initialValues).extracting(r -> r.symbol().name()).containsExactly("inner", "tail_target");
        assertThat(initialValues).allSatisfy(r -> assertThat(r.type()).isEqualTo(Relocation.R_BPF_64_ABS64));
        assertThat(within(symbol(elf, "outer"), initialValues.get(0).offset())).isTrue();
        assertThat(within(symbol(elf, "jump_table"), initialValues.get(1).offset())).isTrue();
        assertThat(symbol(elf, "tail_target").sectionIndex())
                .isEqualTo(elf.section("tp/syscalls/sys_enter_getpid").orElseThrow().index());
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.LITTLE_ENDIAN_SUFFIX, Fixtures.BIG_ENDIAN_SUFFIX})
    void globals(String suffix) {
        ElfFile elf = ElfFile.parse(Fixtures.bytes("globals" + suffix));

        assertThat(longAt(elf, "data_counter", ".data")).isEqualTo(7);
        assertThat(longAt(elf, "threshold", ".rodata")).isEqualTo(100);
        assertThat(intAt(elf, "target_pid", ".rodata")).isZero();
        assertThat(intAt(elf, "custom_value", ".data.custom")).isEqualTo(42);
        assertThat(intAt(elf, "custom_limit", ".rodata.custom")).isEqualTo(5);

        Section bss = elf.section(".bss").orElseThrow();
        assertThat(bss.isNoBits()).isTrue();
        assertThat(bss.size()).isGreaterThanOrEqualTo(12);
        assertThat(elf.data(bss).remaining()).isZero();
        assertThat(symbol(elf, "bss_total").sectionIndex()).isEqualTo(bss.index());
        Symbol hits = symbol(elf, "bss_static_hits");
        assertThat(hits.isLocal()).isTrue();
        assertThat(hits.sectionIndex()).isEqualTo(bss.index());
        Symbol hidden = symbol(elf, "hidden_hits");
        assertThat(hidden.isGlobal()).isTrue();
        assertThat(hidden.isHidden()).isTrue();
        assertThat(hidden.visibility()).isEqualTo(Symbol.STV_HIDDEN);
        assertThat(symbol(elf, "bss_total").visibility()).isEqualTo(Symbol.STV_DEFAULT);
        assertThat(elf.section(".rodata").orElseThrow().isWritable()).isFalse();
        assertThat(elf.section(".data").orElseThrow().isWritable()).isTrue();

        // Globals are referenced by their symbols; the static one through the .bss section symbol.
        Section program = elf.section("tp/syscalls/sys_enter_write").orElseThrow();
        Map<String, Relocation> byName = elf.relocations(program).stream()
                .collect(Collectors.toMap(r -> r.symbol().isSection()
                        ? elf.section(r.symbol().sectionIndex()).name() : r.symbol().name(), r -> r, (a, b) -> a));
        assertThat(byName).containsOnlyKeys("target_pid", "data_counter", "bss_total", "threshold", "custom_value",
                "custom_limit", "hidden_hits", ".bss");
        assertThat(byName.values()).allSatisfy(r -> assertThat(r.type()).isEqualTo(Relocation.R_BPF_64_64));
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.LITTLE_ENDIAN_SUFFIX, Fixtures.BIG_ENDIAN_SUFFIX})
    void subprograms(String suffix) {
        ElfFile elf = ElfFile.parse(Fixtures.bytes("subprog" + suffix));
        Section text = elf.section(".text").orElseThrow();

        for (String name : List.of("add", "sum_step", "global_scale")) {
            Symbol function = symbol(elf, name);
            assertThat(function.isFunction()).as(name).isTrue();
            assertThat(function.sectionIndex()).as(name).isEqualTo(text.index());
            assertThat(function.value() + function.size()).as(name).isLessThanOrEqualTo(text.size());
        }
        assertThat(symbol(elf, "add").isLocal()).isTrue();
        assertThat(symbol(elf, "sum_step").isLocal()).isTrue();
        assertThat(symbol(elf, "global_scale").isGlobal()).isTrue();

        Section first = elf.section("tp/syscalls/sys_enter_read").orElseThrow();
        List<Relocation> firstRelocations = elf.relocations(first);
        // bpf_loop's callback is loaded with ld_imm64 (R_BPF_64_64), add() is called (R_BPF_64_32); both via .text.
        assertThat(firstRelocations).extracting(Relocation::type)
                .containsExactlyInAnyOrder(Relocation.R_BPF_64_64, Relocation.R_BPF_64_32);
        assertThat(firstRelocations).allSatisfy(r -> assertThat(r.symbol().isSection()).isTrue());
        assertThat(firstRelocations).allSatisfy(r -> assertThat(r.symbol().sectionIndex()).isEqualTo(text.index()));

        Section second = elf.section("tp/syscalls/sys_enter_close").orElseThrow();
        List<Relocation> calls = elf.relocations(second);
        assertThat(calls).extracting(r -> r.symbol().isSection() ? ".text" : r.symbol().name())
                .containsExactly(".text", "global_scale");
        ByteBuffer code = elf.data(second);
        for (Relocation call : calls) {
            assertThat(call.type()).isEqualTo(Relocation.R_BPF_64_32);
            int at = (int) call.offset();
            assertThat(code.get(at) & 0xff).isEqualTo(BPF_CALL);
            assertThat(sourceRegister(code.get(at + 1), elf.byteOrder())).isEqualTo(BPF_PSEUDO_CALL);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.LITTLE_ENDIAN_SUFFIX, Fixtures.BIG_ENDIAN_SUFFIX})
    void programSectionsClassify(String suffix) {
        ElfFile elf = ElfFile.parse(Fixtures.bytes("sections" + suffix));
        Map<String, ProgramSection> programs = elf.symbols().stream()
                .filter(s -> s.isFunction() && s.isGlobal())
                .collect(Collectors.toMap(Symbol::name, s -> SectionDefinitions.classify(
                        elf.section(s.sectionIndex()).name()).orElseThrow()));

        assertThat(programs).hasSize(12);
        assertThat(programs.get("xdp_pass").programType()).isEqualTo(ProgramType.XDP);
        assertThat(programs.get("xdp_frags_pass").xdpFrags()).isTrue();
        assertThat(programs.get("tc_ok").programType()).isEqualTo(ProgramType.SCHED_CLS);
        assertThat(programs.get("cgroup_ingress").attachType()).isEqualTo(AttachType.CGROUP_INET_INGRESS);
        assertThat(programs.get("connect4").attachType()).isEqualTo(AttachType.CGROUP_INET4_CONNECT);
        assertThat(programs.get("socket_filter").programType()).isEqualTo(ProgramType.SOCKET_FILTER);
        assertThat(programs.get("not_autoloaded").autoload()).isFalse();
        assertThat(programs.get("not_autoloaded").sectionName()).isEqualTo("?tp/syscalls/sys_enter_getpid");
        assertThat(programs.get("raw_enter").programType()).isEqualTo(ProgramType.RAW_TRACEPOINT);
        assertThat(programs.get("sleepable_uprobe").sleepable()).isTrue();
        assertThat(programs.get("sleepable_uprobe").attachTarget()).isEqualTo("/proc/self/exe:probe_target");
        assertThat(programs.get("sleepable_fentry").attachType()).isEqualTo(AttachType.TRACE_FENTRY);
        assertThat(programs.get("sleepable_fentry").sleepable()).isTrue();
        assertThat(programs.get("open_return").retprobe()).isTrue();
        assertThat(programs.get("dump_task").attachType()).isEqualTo(AttachType.TRACE_ITER);
        assertThat(programs.values()).filteredOn(ProgramSection::autoload).hasSize(11);
    }

    @ParameterizedTest
    @MethodSource("names")
    void bigEndianTwinHasTheSameStructure(String name) {
        ElfFile little = ElfFile.parse(Fixtures.bytes(name + Fixtures.LITTLE_ENDIAN_SUFFIX));
        ElfFile big = ElfFile.parse(Fixtures.bytes(name + Fixtures.BIG_ENDIAN_SUFFIX));

        assertThat(big.sections()).hasSameSizeAs(little.sections());
        for (int i = 0; i < little.sections().size(); i++) {
            Section l = little.section(i);
            Section b = big.section(i);
            assertThat(List.of(b.name(), b.type(), b.flags(), b.size(), b.link(), b.info(), b.alignment(),
                    b.entrySize())).as(l.name())
                    .isEqualTo(List.of(l.name(), l.type(), l.flags(), l.size(), l.link(), l.info(), l.alignment(),
                            l.entrySize()));
            assertThat(big.relocations(b)).as(l.name()).isEqualTo(little.relocations(l));
        }
        assertThat(big.symbols()).isEqualTo(little.symbols());
        assertThat(string(big, "license")).isEqualTo(string(little, "license"));
    }

    private static Symbol symbol(ElfFile elf, String name) {
        return elf.symbols().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no symbol " + name));
    }

    private static boolean within(Symbol symbol, long offset) {
        return offset >= symbol.value() && offset < symbol.value() + symbol.size();
    }

    private static long longAt(ElfFile elf, String symbolName, String sectionName) {
        Symbol s = symbol(elf, symbolName);
        Section section = elf.section(sectionName).orElseThrow();
        assertThat(s.sectionIndex()).isEqualTo(section.index());
        assertThat(s.size()).isEqualTo(8);
        return elf.data(section).getLong((int) s.value());
    }

    private static int intAt(ElfFile elf, String symbolName, String sectionName) {
        Symbol s = symbol(elf, symbolName);
        Section section = elf.section(sectionName).orElseThrow();
        assertThat(s.sectionIndex()).isEqualTo(section.index());
        assertThat(s.size()).isEqualTo(4);
        return elf.data(section).getInt((int) s.value());
    }

    private static String string(ElfFile elf, String sectionName) {
        ByteBuffer data = elf.data(elf.section(sectionName).orElseThrow());
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII).replace("\0", "");
    }

    /** The source register of a BPF instruction from its second byte, whose nibble order follows the byte order. */
    private static int sourceRegister(byte registers, ByteOrder order) {
        return order == ByteOrder.LITTLE_ENDIAN ? (registers >> 4) & 0xf : registers & 0xf;
    }
}
