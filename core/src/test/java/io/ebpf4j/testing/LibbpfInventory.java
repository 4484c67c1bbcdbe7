package io.ebpf4j.testing;

import io.ebpf4j.CollectionSpec;
import io.ebpf4j.MapFlags;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.Pinning;
import io.ebpf4j.ProgramSpec;
import io.ebpf4j.ProgramType;
import io.ebpf4j.btf.Member;
import io.ebpf4j.btf.Struct;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What libbpf makes of a BPF object, as printed by {@code src/test/native/libbpf_inventory.c}: its programs and maps
 * after opening and, when asked, whether it loads into the running kernel. {@link #differencesFrom} compares it with
 * ebpf4j's {@link CollectionSpec} of the same object.
 *
 * @param openFailure why libbpf could not open the object; empty when it could (then programs and maps are filled)
 * @param loadFailure after {@link #openAndLoad}: empty when libbpf loaded the object, else its errno and first
 *     warning
 */
public record LibbpfInventory(int major, int minor, Map<String, Program> programs, Map<String, MapInfo> maps,
        Optional<String> openFailure, Optional<String> loadFailure) {

    public record Program(String section, int type, int attachType, int instructions, boolean autoload) {}

    /** {@code dataHash}: FNV-1a 64 of the initial value of a global-data map, in hex; null for other maps. */
    public record MapInfo(int type, int keySize, int valueSize, int maxEntries, int flags, boolean pinned,
            String dataHash) {}

    /** Opens {@code object} with libbpf, without touching the kernel. */
    public static LibbpfInventory open(Path object) {
        return run(object.toString());
    }

    /** Opens {@code object} with libbpf and loads it; maps pinned by name go to (and are removed from) pinDirectory. */
    public static LibbpfInventory openAndLoad(Path object, Path pinDirectory) {
        return run("--load", pinDirectory.toString(), object.toString());
    }

    public boolean opened() {
        return openFailure.isEmpty();
    }

    public boolean loaded() {
        return opened() && loadFailure.isEmpty();
    }

    private static LibbpfInventory run(String... arguments) {
        Path tool = NativeBinaries.compile("libbpf_inventory", "-lbpf");
        List<String> command = new ArrayList<>(List.of(tool.toString()));
        command.addAll(List.of(arguments));
        String output;
        int status;
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            status = process.waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
        int major = 0;
        int minor = 0;
        Map<String, Program> programs = new LinkedHashMap<>();
        Map<String, MapInfo> maps = new LinkedHashMap<>();
        Optional<String> loadFailure = Optional.empty();
        for (String line : output.lines().toList()) {
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "libbpf" -> {
                    major = Integer.parseInt(f[1]);
                    minor = Integer.parseInt(f[2]);
                }
                case "prog" -> programs.put(f[1], new Program(f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4]),
                        Integer.parseInt(f[5]), f[6].equals("1")));
                case "map" -> maps.put(f[1], new MapInfo(Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                        Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6]), f[7].equals("1"),
                        f[8].equals("-") ? null : f[8]));
                case "load" -> loadFailure = f[1].equals("ok") ? Optional.empty()
                        : Optional.of("errno " + f[2] + ": " + f[3].strip());
                default -> { } // libbpf's own messages on a failed open
            }
        }
        if (status == 1) {
            return new LibbpfInventory(major, minor, Map.of(), Map.of(), Optional.of(output.strip()), Optional.empty());
        }
        if (status != 0) {
            throw new IllegalStateException(command + " exited with " + status + ":\n" + output);
        }
        return new LibbpfInventory(major, minor, programs, maps, Optional.empty(), loadFailure);
    }

    /**
     * Where ebpf4j's reading of the object differs from libbpf's, one readable line per difference: programs (name,
     * section, type, expected attach type, own instruction count, autoload) and maps (name, type, key and value
     * size, max entries, flags, pinned by name, initial data of global-data maps).
     */
    public List<String> differencesFrom(CollectionSpec spec) {
        List<String> differences = new ArrayList<>();
        if (!spec.programs().keySet().equals(programs.keySet())) {
            differences.add("programs: ebpf4j " + spec.programs().keySet() + ", libbpf " + programs.keySet());
        }
        spec.programs().forEach((name, program) -> {
            Program expected = programs.get(name);
            if (expected == null) {
                return;
            }
            if (program.type() == ProgramType.STRUCT_OPS && expected.attachType() == localMemberIndex(spec, name)) {
                // libbpf 1.1 sets a struct_ops program's expected attach type on open, to the index of the member
                // that calls it in the object's struct; ebpf4j, like later libbpf, sets the kernel struct's member
                // index when loading.
                expected = new Program(expected.section(), expected.type(), 0, expected.instructions(),
                        expected.autoload());
            }
            Program ours = new Program(program.sectionName(), program.type().value(), program.attachType().value(),
                    ownInstructions(program), program.autoload());
            if (!ours.equals(expected)) {
                differences.add("program " + name + ": ebpf4j " + ours + ", libbpf " + expected);
            }
        });

        Map<String, MapSpec> ours = new LinkedHashMap<>(spec.maps());
        if (major == 1 && minor < 2) {
            // SEC(".struct_ops.link") arrived in libbpf 1.2: older versions skip the section.
            ours.values().removeIf(m -> m.type() == MapType.STRUCT_OPS && (m.flags() & MapFlags.LINK) != 0);
        }
        List<String> unmatched = new ArrayList<>(maps.keySet());
        ours.forEach((name, map) -> {
            String libbpfName = libbpfName(name);
            MapInfo expected = maps.get(libbpfName);
            if (expected == null) {
                differences.add("map " + name + ": libbpf has none of that name among " + maps.keySet());
                return;
            }
            unmatched.remove(libbpfName);
            MapInfo mine = new MapInfo(map.type().value(), map.keySize(), map.valueSize(), map.maxEntries(),
                    map.flags(), map.pinning() != Pinning.NONE, expected.dataHash() == null ? null : dataHash(map));
            if (!mine.equals(expected)) {
                differences.add("map " + name + ": ebpf4j " + mine + ", libbpf " + expected);
            }
        });
        if (!unmatched.isEmpty()) {
            differences.add("maps only libbpf has: " + unmatched);
        }
        return differences;
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
    public static int ownInstructions(ProgramSpec program) {
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
    private String libbpfName(String ours) {
        if (maps.containsKey(ours)) {
            return ours;
        }
        return maps.keySet().stream().filter(n -> ours.startsWith(".") && n.endsWith(ours) && !n.startsWith("."))
                .findFirst().orElse(ours);
    }

    /** The hash libbpf_inventory prints of a global-data map's initial value: its contents, zero-filled. */
    private static String dataHash(MapSpec map) {
        byte[] value = new byte[map.valueSize()];
        for (MapSpec.Entry entry : map.contents()) {
            if (entry.value() instanceof byte[] bytes) {
                System.arraycopy(bytes, 0, value, 0, Math.min(bytes.length, value.length));
            }
        }
        long hash = 0xcbf29ce484222325L;
        for (byte b : value) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        return String.format("%016x", hash);
    }
}
