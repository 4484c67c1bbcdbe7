package io.ebpf4j;

import io.ebpf4j.asm.Instruction;
import io.ebpf4j.testing.Fixtures;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** Reading objects into specs: no kernel involved. */
class CollectionSpecTest {

    @Test
    void minimalObject() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("minimal.bpf.o"));
        assertThat(spec.license()).isEqualTo("GPL");
        assertThat(spec.byteOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(spec.programs()).containsOnlyKeys("count_openat");
        ProgramSpec prog = spec.programs().get("count_openat");
        assertThat(prog.type()).isEqualTo(ProgramType.TRACEPOINT);
        assertThat(prog.sectionName()).isEqualTo("tracepoint/syscalls/sys_enter_openat");
        assertThat(prog.attachTo()).isEqualTo("syscalls/sys_enter_openat");
        assertThat(prog.license()).isEqualTo("GPL");
        assertThat(prog.instructions().get(0).symbol()).isEqualTo("count_openat");
    }

    @Test
    void btfMapsWithTheirDefinitions() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("maps.bpf.o"));
        Map<String, MapSpec> maps = spec.maps();
        assertThat(maps).containsKeys("counts", "slots", "per_cpu", "pinned_lru", "events", "inner", "outer",
                "jump_table");
        assertThat(maps.get("counts").type()).isEqualTo(MapType.HASH);
        assertThat(maps.get("counts").keySize()).isEqualTo(4);
        assertThat(maps.get("counts").valueSize()).isEqualTo(8);
        assertThat(maps.get("counts").maxEntries()).isEqualTo(1024);
        assertThat(maps.get("pinned_lru").pinning()).isEqualTo(Pinning.BY_NAME);
        assertThat(maps.get("pinned_lru").keySize()).isEqualTo(8);
        assertThat(maps.get("events").type()).isEqualTo(MapType.RINGBUF);
        assertThat(maps.get("events").maxEntries()).isEqualTo(4096);
        assertThat(maps.get("outer").innerMap().type()).isEqualTo(MapType.ARRAY);
        assertThat(maps.get("outer").innerMap().maxEntries()).isEqualTo(4);
        assertThat(maps.get("outer").contents()).containsExactly(new MapSpec.Entry(1, "inner"));
        assertThat(maps.get("jump_table").contents()).containsExactly(new MapSpec.Entry(2, "tail_target"));
        assertThat(spec.programs()).containsOnlyKeys("tail_target", "use_maps");
        assertThat(spec.programs().get("use_maps").instructions().asList().stream()
                .filter(Instruction::isLoadFromMap).map(Instruction::reference).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("counts", "slots", "per_cpu", "pinned_lru", "events", "outer",
                        "jump_table");
    }

    @Test
    void globalsBecomeVariables() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("globals.bpf.o"));
        assertThat(spec.maps()).containsKeys(".data", ".bss", ".rodata", ".data.custom", ".rodata.custom");
        assertThat(spec.maps().get(".rodata").freeze()).isTrue();
        assertThat(spec.variables()).containsKeys("target_pid", "threshold", "data_counter", "bss_total",
                "custom_value", "custom_limit");
        VariableSpec pid = spec.variables().get("target_pid");
        assertThat(pid.isConstant()).isTrue();
        assertThat(pid.size()).isEqualTo(4);
        pid.set(1234);
        assertThat(pid.getLong()).isEqualTo(1234);
        CollectionSpec copy = spec.copy();
        copy.variables().get("target_pid").set(99);
        assertThat(pid.getLong()).isEqualTo(1234);
        assertThat(copy.variables().get("target_pid").getLong()).isEqualTo(99);
        assertThatThrownBy(() -> pid.set(1L << 40)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pid.set("x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void subprogramsAreLinkedIntoEveryCaller() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("subprog.bpf.o"));
        for (ProgramSpec program : spec.programs().values()) {
            Map<String, Integer> functions = program.instructions().functionOffsets();
            assertThat(functions).containsKey(program.name());
            program.instructions().asList().stream().filter(Instruction::isBpfToBpfCall)
                    .forEach(call -> assertThat(functions).containsKey(call.reference()));
        }
        assertThat(spec.programs().keySet()).noneMatch(name -> name.equals("shared_helper"));
    }

    @ParameterizedTest
    @MethodSource("io.ebpf4j.testing.Fixtures#twins")
    void bigEndianTwinGivesTheSameSpec(String name) {
        // clang's big-endian backend emits different code for CO-RE bitfield reads and for usdt.bpf.h's argument
        // decoding (its .text is 96 bytes longer); compare the rest.
        boolean sameCode = !name.equals("btf_core") && !name.equals("usdt_args");
        CollectionSpec little = CollectionSpec.load(Fixtures.bytes(name + ".bpf.o"));
        CollectionSpec big = CollectionSpec.load(Fixtures.bytes(name + ".bpfeb.o"));
        assertThat(big.byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(big.programs().keySet()).isEqualTo(little.programs().keySet());
        assertThat(big.maps().keySet()).isEqualTo(little.maps().keySet());
        assertThat(big.variables().keySet()).isEqualTo(little.variables().keySet());
        little.programs().forEach((n, p) -> {
            ProgramSpec b = big.programs().get(n);
            assertThat(b.type()).isEqualTo(p.type());
            assertThat(b.sectionName()).isEqualTo(p.sectionName());
            if (sameCode) {
                assertThat(b.instructions().size()).isEqualTo(p.instructions().size());
                assertThat(b.instructions().slotCount()).isEqualTo(p.instructions().slotCount());
            }
        });
        little.maps().forEach((n, m) -> {
            MapSpec b = big.maps().get(n);
            assertThat(b.toString()).isEqualTo(m.toString());
        });
    }

    @Test
    void structOpsVariablesBecomeStructOpsMaps() {
        for (String name : new String[] {"ebpf4j_cc", "ebpf4j_cc_link"}) {
            boolean link = name.endsWith("_link");
            CollectionSpec spec = CollectionSpec.load(Fixtures.bytes((link ? "tcp_cc_link" : "tcp_cc") + ".bpf.o"));
            MapSpec map = spec.maps().get(name);
            assertThat(map.type()).isEqualTo(MapType.STRUCT_OPS);
            assertThat(map.keySize()).isEqualTo(4);
            assertThat(map.valueSize()).as("the object's own, shorter struct tcp_congestion_ops").isEqualTo(56);
            assertThat(map.maxEntries()).isEqualTo(1);
            assertThat(map.flags()).isEqualTo(link ? MapFlags.LINK : 0);
            assertThat(map.valueType().name()).isEqualTo("tcp_congestion_ops");
            assertThat(map.structOpsPrograms()).containsOnly(entry("ssthresh", "cc_ssthresh"),
                    entry("cong_avoid", "cc_cong_avoid"), entry("undo_cwnd", "cc_undo_cwnd"), entry("init", "cc_init"));
            byte[] value = (byte[]) map.contents().get(0).value();
            assertThat(new String(value, 0, 16, StandardCharsets.US_ASCII)).startsWith(name + "\0");
            assertThat(Arrays.copyOfRange(value, 16, 56)).as("function pointers are left to the loader")
                    .containsOnly(0);
            assertThat(spec.programs().get("cc_init").type()).isEqualTo(ProgramType.STRUCT_OPS);
            assertThat(spec.programs().get("cc_init").attachType()).as("the kernel's member index, found at load")
                    .isEqualTo(AttachType.NONE);
        }
    }

    @Test
    void notABpfObject() {
        assertThatThrownBy(() -> CollectionSpec.load(new byte[] {1, 2, 3})).isInstanceOf(ElfFormatException.class);
    }
}
