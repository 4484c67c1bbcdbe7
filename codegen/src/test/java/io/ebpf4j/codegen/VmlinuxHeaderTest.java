package io.ebpf4j.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import io.ebpf4j.BpfCollection;
import io.ebpf4j.CollectionSpec;
import io.ebpf4j.ProgramType;
import io.ebpf4j.btf.Composite;
import io.ebpf4j.btf.Member;
import io.ebpf4j.btf.Spec;
import io.ebpf4j.btf.Type;
import io.ebpf4j.btf.Typedef;
import io.ebpf4j.btf.Types;
import io.ebpf4j.btf.Union;
import io.ebpf4j.link.BpfLink;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** vmlinux.h from the running kernel's BTF, checked by clang against the BTF it came from. */
@RequiresKernel
class VmlinuxHeaderTest {
    @TempDir
    Path dir;

    @Test
    void clangLaysOutEveryStructWhereTheKernelDoes() throws IOException {
        Spec kernel = Spec.load(Path.of("/sys/kernel/btf/vmlinux"));
        Files.writeString(dir.resolve("vmlinux.h"), VmlinuxHeader.of(kernel));
        Map<String, Integer> names = new HashMap<>();
        kernel.typeIds().forEach(id -> {
            if (kernel.typeById(id) instanceof Composite c && !c.name().isEmpty()) {
                names.merge(c.name(), 1, Integer::sum);
            }
        });
        StringBuilder checks = new StringBuilder("#include \"vmlinux.h\"\n");
        int[] count = new int[1];
        kernel.typeIds().forEach(id -> {
            if (!(kernel.typeById(id) instanceof Composite c) || names.getOrDefault(c.name(), 0) != 1
                    || usesVaList(c)) {
                return; // duplicates are renamed; va_list is the compiler's own, different for BPF than for x86
            }
            String tag = (c instanceof Union ? "union " : "struct ") + c.name();
            checks.append("_Static_assert(sizeof(").append(tag).append(") == ").append(c.size()).append(", \"")
                    .append(c.name()).append("\");\n");
            for (Member m : c.members()) {
                if (!m.name().isEmpty() && !m.isBitfield()) {
                    checks.append("_Static_assert(__builtin_offsetof(").append(tag).append(", ").append(m.name())
                            .append(") == ").append(m.byteOffset()).append(", \"").append(c.name()).append('.')
                            .append(m.name()).append("\");\n");
                    count[0]++;
                }
            }
        });
        Path c = Files.writeString(dir.resolve("layout.c"), checks);
        Toolchain.run(List.of("clang", "-target", "bpf", "-fsyntax-only", "-ferror-limit=0", "-I" + dir, c.toString()));
        assertThat(count[0]).isGreaterThan(10_000);
    }

    @Test
    @RequiresKernel(programTypes = ProgramType.TRACING)
    void aCoreProgramBuiltOnItLoadsAndAttaches() throws Exception {
        VmlinuxHeader.write(dir.resolve("vmlinux.h"));
        Path object = dir.resolve("core.bpf.o");
        Toolchain.run(List.of("clang", "-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_x86", "-I" + dir, "-c",
                Toolchain.FIXTURES.resolve("core.bpf.c").toString(), "-o", object.toString()));
        try (BpfCollection collection = BpfCollection.load(CollectionSpec.load(object))) {
            List<BpfLink> links = collection.attach();
            try {
                Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
                while (collection.variable("seen_tgid").getLong() == 0 && Instant.now().isBefore(deadline)) {
                    new ProcessBuilder("/bin/true").start().waitFor();
                }
                assertThat(collection.variable("seen_tgid").getLong()).isPositive();
            } finally {
                links.forEach(BpfLink::close);
            }
        }
    }

    private static boolean usesVaList(Composite c) {
        for (Member m : c.members()) {
            for (Type t = m.type(); t instanceof Typedef td; t = td.type()) {
                if (td.name().contains("va_list")) {
                    return true;
                }
            }
            if (Types.underlying(m.type()) instanceof Composite nested && nested.name().isEmpty() && usesVaList(nested)) {
                return true;
            }
        }
        return false;
    }
}
