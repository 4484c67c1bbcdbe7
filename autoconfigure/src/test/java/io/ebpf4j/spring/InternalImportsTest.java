package io.ebpf4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The starter uses the core through its API: it may name a type of {@code io.ebpf4j.internal} or of
 * {@code io.ebpf4j.elf} (internal by its package documentation) only where the allow-list says so. Each entry is
 * what issue 18 (step 2) still has to make public on purpose, or stop needing; the list may only shrink.
 */
class InternalImportsTest {
    /** Internal types the starter still uses, and what it uses them for. */
    private static final Map<String, String> ALLOWED = Map.of(
            "io.ebpf4j.internal.Cpus", "the number of possible CPUs, to size and sum per-CPU values",
            "io.ebpf4j.internal.KernelVersion", "the running kernel's version, for health details and failure analysis",
            "io.ebpf4j.internal.Mounts", "where bpffs, tracefs and cgroup2 are mounted, mounting them if missing",
            "io.ebpf4j.internal.Kallsyms", "kernel symbol addresses, for constants given as symbol names",
            "io.ebpf4j.internal.sys.Errno", "errno numbers and names, for attach errors and errno labels",
            "io.ebpf4j.internal.sys.Arch", "the CPU architecture, for syscall-number labels",
            "io.ebpf4j.internal.sys.Bpf", "the BPF_F_LINK map flag of struct_ops maps (wants a public MapFlags)",
            "io.ebpf4j.elf.SectionDefinitions", "libbpf's section-name table, to plan attachments from section names",
            "io.ebpf4j.elf.ProgramSection", "a program section's parsed name, which that table returns");

    private static final Pattern INTERNAL_TYPE =
            Pattern.compile("\\bio\\.ebpf4j\\.(?:internal(?:\\.[a-z]\\w*)*|elf)\\.[A-Z]\\w*");
    private static final Path SOURCES = Path.of("src/main/java");

    @Test
    void theStarterUsesOnlyAllowedInternalTypes() throws IOException {
        Map<String, Set<String>> usedBy = internalTypesUsed();
        Map<String, Set<String>> forbidden = new TreeMap<>(usedBy);
        forbidden.keySet().removeAll(ALLOWED.keySet());
        assertThat(forbidden).as("internal types used by the starter without an entry in the allow-list").isEmpty();
        assertThat(usedBy.keySet()).as("allow-list entries no longer used: remove them")
                .containsAll(ALLOWED.keySet());
    }

    /** Each internal type named in the starter's sources, with the files that name it. */
    private static Map<String, Set<String>> internalTypesUsed() throws IOException {
        assertThat(SOURCES).as("the starter's sources, relative to the module directory").isDirectory();
        Map<String, Set<String>> usedBy = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            files = walk.filter(f -> f.toString().endsWith(".java")).toList();
        }
        for (Path file : files) {
            Matcher m = INTERNAL_TYPE.matcher(Files.readString(file));
            while (m.find()) {
                usedBy.computeIfAbsent(m.group(), k -> new TreeSet<>()).add(SOURCES.relativize(file).toString());
            }
        }
        return usedBy;
    }
}
