package io.ebpf4j;

import io.ebpf4j.btf.Member;
import io.ebpf4j.btf.Struct;
import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.testing.Fixtures;
import io.ebpf4j.testing.NativeBinaries;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opens every fixture object with libbpf (through {@code src/test/native/libbpf_inventory.c}) and with ebpf4j, and
 * compares what both make of it: programs (name, section, type, expected attach type, instruction count, autoload)
 * and maps (name, type, key and value size, max entries, flags). Opening needs no privileges.
 */
@Tag("kernel")
class LibbpfCompatibilityTest {

    record Program(String section, int type, int attachType, int instructions, boolean autoload) {}

    record Map_(int type, int keySize, int valueSize, int maxEntries, int flags) {}

    static List<String> objects() {
        return Fixtures.objects();
    }

    @ParameterizedTest
    @MethodSource("objects")
    void sameInventoryAsLibbpf(String object) throws Exception {
        Path file = Fixtures.path(object + Fixtures.LITTLE_ENDIAN_SUFFIX);
        Map<String, Program> libbpfPrograms = new LinkedHashMap<>();
        Map<String, Map_> libbpfMaps = new LinkedHashMap<>();
        boolean libbpfReadsStructOpsLink = true;
        for (String line : inventory(file)) {
            String[] f = line.split("\t", -1);
            if (f[0].equals("libbpf")) {
                // SEC(".struct_ops.link") arrived in libbpf 1.2: older versions skip the section.
                libbpfReadsStructOpsLink = Integer.parseInt(f[1]) > 1 || Integer.parseInt(f[2]) >= 2;
            } else if (f[0].equals("prog")) {
                libbpfPrograms.put(f[1], new Program(f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4]),
                        Integer.parseInt(f[5]), f[6].equals("1")));
            } else {
                libbpfMaps.put(f[1], new Map_(Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                        Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6])));
            }
        }

        CollectionSpec spec = CollectionSpec.load(file);
        assertThat(spec.programs().keySet()).isEqualTo(libbpfPrograms.keySet());
        spec.programs().forEach((name, program) -> {
            Program expected = libbpfPrograms.get(name);
            if (program.type() == ProgramType.STRUCT_OPS && expected.attachType() == localMemberIndex(spec, name)) {
                // libbpf 1.1 sets a struct_ops program's expected attach type on open, to the index of the member
                // that calls it in the object's struct; ebpf4j, like later libbpf, sets the kernel struct's member
                // index when loading.
                expected = new Program(expected.section(), expected.type(), 0, expected.instructions(),
                        expected.autoload());
            }
            assertThat(new Program(program.sectionName(), program.type().value(), program.attachType().value(),
                    ownInstructions(program), program.autoload())).as("program %s", name).isEqualTo(expected);
        });

        Map<String, MapSpec> maps = new LinkedHashMap<>(spec.maps());
        if (!libbpfReadsStructOpsLink) {
            maps.values().removeIf(m -> m.type() == MapType.STRUCT_OPS && (m.flags() & Bpf.F_LINK) != 0);
        }
        assertThat(maps).hasSameSizeAs(libbpfMaps);
        maps.forEach((name, map) -> {
            Map_ expected = libbpfMaps.get(libbpfName(name, libbpfMaps));
            assertThat(expected).as("libbpf has a map for %s among %s", name, libbpfMaps.keySet()).isNotNull();
            assertThat(new Map_(map.type().value(), map.keySize(), map.valueSize(), map.maxEntries(), map.flags()))
                    .as("map %s", name).isEqualTo(expected);
        });
    }

    /** The index, in its struct, of the struct_ops member that calls {@code program}; -1 if none does. */
    private static int localMemberIndex(CollectionSpec spec, String program) {
        for (MapSpec map : spec.maps().values()) {
            List<Member> members = map.valueType() instanceof Struct struct ? struct.members() : List.of();
            for (int i = 0; i < members.size(); i++) {
                if (program.equals(map.structOpsPrograms().get(members.get(i).name()))) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Slots of the program's own function, before linked subprograms: what libbpf counts before loading. */
    private static int ownInstructions(ProgramSpec program) {
        int end = program.instructions().slotCount();
        for (int offset : program.instructions().functionOffsets().values()) {
            if (offset > 0 && offset < end) {
                end = offset;
            }
        }
        return end;
    }

    /**
     * libbpf names the maps of .data/.rodata/.bss/.kconfig after the object ("collecti.rodata"); custom sections
     * and BTF maps keep their own names.
     */
    private static String libbpfName(String ours, Map<String, Map_> libbpfMaps) {
        if (libbpfMaps.containsKey(ours)) {
            return ours;
        }
        return libbpfMaps.keySet().stream().filter(n -> ours.startsWith(".") && n.endsWith(ours)
                && !n.startsWith(".")).findFirst().orElse(null);
    }

    private static List<String> inventory(Path object) throws IOException, InterruptedException {
        Path tool = NativeBinaries.compile("libbpf_inventory", "-lbpf");
        Process p = new ProcessBuilder(tool.toString(), object.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        return output.lines().toList();
    }
}
