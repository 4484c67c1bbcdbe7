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
 * Code outside core uses it through its API, as cilium/ebpf's depguard rule and Go's {@code internal/} directories
 * enforce (JNA and Spring Boot run on the class path, so no module descriptor can): the starter may name a type of
 * {@code io.ebpf4j.internal} only where its allow-list says so, like a qualified export to the project's own module;
 * the benchmarks only the few that measure the native floor; samples, end-to-end tests and the code generator,
 * written as users write code, none. The lists may only shrink.
 */
class InternalImportsTest {
    /** Internal types the starter uses, and what it uses them for. */
    private static final Map<String, String> STARTER = Map.of(
            "io.ebpf4j.internal.Mounts", "where bpffs, tracefs and cgroup2 are mounted, mounting them if missing",
            "io.ebpf4j.internal.Kallsyms", "kernel symbol addresses, for constants given as symbol names",
            "io.ebpf4j.internal.sys.Errno", "errno numbers and names, for attach errors and errno labels",
            "io.ebpf4j.internal.sys.Arch", "the CPU architecture, for syscall-number labels",
            "io.ebpf4j.internal.elf.SectionDefinitions", "libbpf's section-name table, to plan attachments",
            "io.ebpf4j.internal.elf.ProgramSection", "a program section's parsed name, which that table returns");

    /**
     * The benchmarks measure the floor, one trivial syscall through ebpf4j's own native entry point, and fill buffers
     * with a raw {@code BPF_PROG_TEST_RUN} outside the timed region (the syscalls their C baselines make), so that the
     * allocation profile shows only the code measured.
     */
    private static final Map<String, String> BENCHMARKS = Map.of(
            "io.ebpf4j.internal.sys.Arch", "the syscall number of getppid",
            "io.ebpf4j.internal.sys.LibC", "the native entry point whose floor is measured",
            "io.ebpf4j.internal.sys.Bpf", "BPF_PROG_TEST_RUN without allocation",
            "io.ebpf4j.internal.sys.NativeBuffer", "its attributes, built once");

    private static final Pattern INTERNAL_TYPE =
            Pattern.compile("\\bio\\.ebpf4j\\.internal(?:\\.[a-z]\\w*)*\\.[A-Z]\\w*");

    @Test
    void theStarterUsesOnlyAllowedInternalTypes() throws IOException {
        assertUses(Path.of("src/main/java"), STARTER);
    }

    @Test
    void theBenchmarksUseOnlyAllowedInternalTypes() throws IOException {
        assertUses(Path.of("../benchmarks/src/main/java"), BENCHMARKS);
    }

    @Test
    void samplesAndEndToEndTestsUseNoInternalType() throws IOException {
        for (String userCode : List.of("../samples", "../e2e", "../starter", "../codegen", "../maven-plugin")) {
            assertThat(internalTypesUsed(Path.of(userCode))).as("internal types used under %s", userCode).isEmpty();
        }
    }

    private static void assertUses(Path sources, Map<String, String> allowed) throws IOException {
        Map<String, Set<String>> usedBy = internalTypesUsed(sources);
        Map<String, Set<String>> forbidden = new TreeMap<>(usedBy);
        forbidden.keySet().removeAll(allowed.keySet());
        assertThat(forbidden).as("internal types used under %s without an entry in the allow-list", sources)
                .isEmpty();
        assertThat(usedBy.keySet()).as("allow-list entries no longer used under %s: remove them", sources)
                .containsAll(allowed.keySet());
    }

    /** Each internal type named in the Java sources below {@code root}, with the files that name it. */
    private static Map<String, Set<String>> internalTypesUsed(Path root) throws IOException {
        assertThat(root).as("sources, relative to the starter's module directory").isDirectory();
        Map<String, Set<String>> usedBy = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(f -> f.toString().endsWith(".java") && !f.toString().contains("/target/")).toList();
        }
        for (Path file : files) {
            Matcher m = INTERNAL_TYPE.matcher(Files.readString(file));
            while (m.find()) {
                usedBy.computeIfAbsent(m.group(), k -> new TreeSet<>()).add(root.relativize(file).toString());
            }
        }
        return usedBy;
    }
}
