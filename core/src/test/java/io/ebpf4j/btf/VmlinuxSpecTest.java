package io.ebpf4j.btf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ebpf4j.BpfException;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The running kernel's BTF, checked against bpftool's dump of the same file. */
class VmlinuxSpecTest {
    private final BpftoolDump dump = BpftoolDump.vmlinux();
    private final Spec spec = Spec.kernel();

    @Test
    void countsKindsAndNamesOfEveryTypeLikeBpftool() {
        assertThat(spec.typeCount()).isEqualTo(dump.maxId() + 1);
        assertThat(spec.firstTypeId()).isEqualTo(1);
        assertThat(spec.byteOrder()).isEqualTo(ByteOrder.nativeOrder());
        for (BpftoolDump.Entry e : dump.entries()) {
            assertThat(spec.kindOf(e.id())).as("[%d]", e.id()).isEqualTo(BpftoolComparison.kind(e.kind()));
            assertThat(spec.nameOf(e.id())).as("[%d]", e.id()).isEqualTo(e.name());
        }
    }

    @Test
    void inflatesEveryTypeLikeBpftool() {
        for (BpftoolDump.Entry e : dump.entries()) {
            BpftoolComparison.assertSame(spec, e.id(), e);
        }
    }

    @Test
    void findsTaskStructAndItsPidMembers() {
        BpftoolDump.Entry expected = dump.find("STRUCT", "task_struct");
        Struct task = spec.typeByName("task_struct", Struct.class).orElseThrow();

        assertThat(spec.typeId(task)).isEqualTo(expected.id());
        assertThat(task.size()).isEqualTo(expected.intAttribute("size"));
        for (String field : List.of("pid", "tgid")) {
            Types.MemberRef member = Types.findMember(task, field).orElseThrow();
            BpftoolDump.Line line = expected.line(field);
            assertThat(member.bitOffset()).as(field).isEqualTo(line.longAttribute("bits_offset"));
            assertThat(spec.typeId(member.type())).as(field).isEqualTo(line.longAttribute("type_id"));
            assertThat(Types.describe(member.type())).isEqualTo("pid_t");
            assertThat(Types.sizeof(member.type())).isEqualTo(4);
        }
        assertThat(Types.sizeof(task)).isEqualTo(expected.intAttribute("size"));
        assertThat(Types.toC(task)).startsWith("struct task_struct {\n").contains("\tpid_t pid;\n")
                .contains("\tchar comm[16];\n").contains("\tstruct task_struct *real_parent;\n");
    }

    @Test
    void looksUpByNameWithoutConfusingKinds() {
        BpftoolDump.Entry typedef = dump.find("TYPEDEF", "pid_t");
        assertThat(spec.typeByName("pid_t", Typedef.class)).map(spec::typeId).contains(typedef.id());
        assertThat(spec.typeByName("pid_t", Struct.class)).isEmpty();
        assertThat(spec.typeByName("no_such_type_in_any_kernel", Type.class)).isEmpty();
        assertThat(spec.typesByName("task_struct")).extracting(spec::typeId)
                .containsExactlyElementsOf(dump.entries().stream().filter(e -> e.name().equals("task_struct"))
                        .map(BpftoolDump.Entry::id).sorted().toList());
        assertThat(spec.typeByName("task_struct", Composite.class)).map(Type::kind).contains(Kind.STRUCT);
    }

    @Test
    void ambiguousNamesAreReportedNotGuessed() {
        // The kernel has distinct structs of the same name in different files; bpftool shows them all.
        Map<String, Long> structsByName = dump.entries().stream()
                .filter(e -> e.kind().equals("STRUCT") && !e.name().isEmpty())
                .collect(Collectors.groupingBy(BpftoolDump.Entry::name, Collectors.counting()));
        Optional<String> duplicated = structsByName.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey).sorted().findFirst();
        assumeTrue(duplicated.isPresent(), "this kernel has no duplicated struct names");
        String name = duplicated.get();

        assertThatThrownBy(() -> spec.typeByName(name, Struct.class)).isInstanceOf(BpfException.class)
                .hasMessageContaining(name);
        assertThat(spec.typesByName(name)).filteredOn(t -> t.kind() == Kind.STRUCT)
                .hasSize(structsByName.get(name).intValue());
    }

    @Test
    void noKernelModulesHaveToExist() {
        for (String module : Spec.kernelModules()) {
            Spec m = Spec.kernelModule(module).orElseThrow();
            assertThat(m.firstTypeId()).isEqualTo(spec.typeCount());
            assertThat(m.base()).contains(spec);
        }
        assertThat(Spec.kernelModule("no_such_module_xyz")).isEmpty();
    }

    @Test
    void aBtfFileCanStandInForTheKernel(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("vmlinux.btf");
        Files.copy(BpftoolDump.VMLINUX, copy);
        Spec fromFile = Spec.load(copy);
        assertThat(fromFile.typeCount()).isEqualTo(spec.typeCount());
        assertThat(CoreResolver.of(fromFile).resolve(new CoreRelocation(0,
                new Struct("task_struct", 0, List.of()), 1, "0", CoreKind.TYPE_ID_TARGET)).targetValue())
                .isEqualTo(dump.find("STRUCT", "task_struct").id());
        assertThatThrownBy(() -> Spec.load(dir.resolve("missing"))).isInstanceOf(BpfException.class);
    }

    @Test
    void concurrentLookupsShareOneInflation() throws Exception {
        Spec fresh = Spec.parse(Files.readAllBytes(BpftoolDump.VMLINUX));
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Struct>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> fresh.typeByName("task_struct", Struct.class).orElseThrow()));
            }
            Struct first = results.get(0).get();
            for (Future<Struct> r : results) {
                assertThat(r.get()).isSameAs(first);
            }
            assertThat(fresh.typeId(first)).isEqualTo(dump.find("STRUCT", "task_struct").id());
        } finally {
            pool.shutdownNow();
        }
    }
}
