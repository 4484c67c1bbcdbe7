package io.ebpf4j;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The boundary between ebpf4j's API and its internals, as Go's {@code internal/} directories and cilium's depguard
 * rule enforce it: without module descriptors (JNA and Spring run on the class path) this test is the enforcement.
 * Internal packages are those under {@code io.ebpf4j.internal}.
 */
class ArchitectureTest {
    private static final String INTERNAL = "io.ebpf4j.internal";
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?(io\\.ebpf4j\\.internal[\\w.]*);",
            Pattern.MULTILINE);

    /**
     * Internals the Spring starter uses, like a qualified export to the project's own module (cilium's commands import
     * its internal packages the same way): mounting file systems, kallsyms for {@code ksym} constants, errno names
     * for labels and attach errors, the architecture for syscall names, and the section table for auto-attach plans.
     * Everything else the starter needs is API.
     */
    private static final Set<String> STARTER_INTERNALS = Set.of(
            "io.ebpf4j.internal.Mounts",
            "io.ebpf4j.internal.Kallsyms",
            "io.ebpf4j.internal.sys.Errno",
            "io.ebpf4j.internal.sys.Arch",
            "io.ebpf4j.internal.elf.ProgramSection",
            "io.ebpf4j.internal.elf.SectionDefinitions");

    /**
     * The benchmarks measure the floor, one trivial syscall through ebpf4j's own native entry point, and drive a raw
     * {@code BPF_PROG_TEST_RUN} outside the timed region (the same syscalls their C baselines make) so that filling a
     * buffer allocates nothing the profile would blame on the code measured.
     */
    private static final Set<String> BENCHMARK_INTERNALS = Set.of(
            "io.ebpf4j.internal.sys.Arch",
            "io.ebpf4j.internal.sys.Bpf",
            "io.ebpf4j.internal.sys.LibC",
            "io.ebpf4j.internal.sys.NativeBuffer");

    /** Public signatures that still expose an internal type; shrink it, never grow it. */
    private static final Set<String> EXPOSED_INTERNALS = Set.of(
            "io.ebpf4j.BpfMap.fd() returns io.ebpf4j.internal.sys.Fd",
            "io.ebpf4j.BpfProgram.fd() returns io.ebpf4j.internal.sys.Fd",
            "io.ebpf4j.KernelObject.fd() returns io.ebpf4j.internal.sys.Fd",
            "io.ebpf4j.btf.Handle.fd() returns io.ebpf4j.internal.sys.Fd");

    @Test
    void apiSignaturesDoNotExposeInternalTypes() throws Exception {
        Set<String> exposed = new TreeSet<>();
        for (Class<?> type : apiClasses()) {
            String owner = type.getName();
            for (Method method : type.getDeclaredMethods()) {
                if (visible(method.getModifiers()) && !method.isSynthetic()) {
                    String name = owner + "." + method.getName() + "()";
                    check(exposed, name + " returns ", method.getReturnType());
                    for (Class<?> parameter : method.getParameterTypes()) {
                        check(exposed, name + " takes ", parameter);
                    }
                }
            }
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (visible(constructor.getModifiers())) {
                    for (Class<?> parameter : constructor.getParameterTypes()) {
                        check(exposed, owner + ".<init>() takes ", parameter);
                    }
                }
            }
            for (Field field : type.getDeclaredFields()) {
                if (visible(field.getModifiers())) {
                    check(exposed, owner + "." + field.getName() + " is ", field.getType());
                }
            }
            if (type.getSuperclass() != null) {
                check(exposed, owner + " extends ", type.getSuperclass());
            }
        }
        assertThat(exposed).as("public signatures exposing internal types (update the list when one is fixed)")
                .containsExactlyInAnyOrderElementsOf(EXPOSED_INTERNALS);
    }

    @Test
    void onlyCoreAndTheStarterUseInternalsAndTheStarterOnlyTheListedOnes() {
        Path root = projectRoot();
        assertThat(internalImports(root.resolve("autoconfigure/src/main/java")))
                .as("internal classes the starter imports").isSubsetOf(STARTER_INTERNALS);
        assertThat(internalImports(root.resolve("benchmarks/src/main/java")))
                .as("internal classes the benchmarks import").isSubsetOf(BENCHMARK_INTERNALS);
        for (String userCode : List.of("starter", "samples", "e2e")) {
            assertThat(internalImports(root.resolve(userCode)))
                    .as("internal classes imported under %s/, which is written as users write code", userCode)
                    .isEmpty();
        }
    }

    private static void check(Set<String> exposed, String where, Class<?> type) {
        while (type.isArray()) {
            type = type.getComponentType();
        }
        if (type.getName().startsWith(INTERNAL + ".")) {
            exposed.add(where + type.getName());
        }
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    /** Public classes of core's non-internal packages, from the compiled main classes. */
    private static List<Class<?>> apiClasses() throws IOException, ClassNotFoundException {
        Path classes = classesRoot();
        List<Class<?>> api = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes.resolve("io/ebpf4j"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String relative = classes.relativize(file).toString();
                if (!relative.endsWith(".class") || relative.startsWith("io/ebpf4j/internal/")
                        || relative.endsWith("package-info.class")) {
                    continue;
                }
                String name = relative.substring(0, relative.length() - ".class".length()).replace('/', '.');
                Class<?> type = Class.forName(name, false, ArchitectureTest.class.getClassLoader());
                if (isPublicAllTheWay(type)) {
                    api.add(type);
                }
            }
        }
        assertThat(api).as("API classes found under " + classes).hasSizeGreaterThan(50);
        return api;
    }

    private static boolean isPublicAllTheWay(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
            if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isSynthetic()) {
                return false;
            }
        }
        return true;
    }

    private static Path classesRoot() {
        try {
            return Path.of(BpfMap.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The directory holding the root pom: core's classes are at core/target/classes below it. */
    private static Path projectRoot() {
        Path root = classesRoot().getParent().getParent().getParent();
        assertThat(root.resolve("pom.xml")).as("the project's root pom").exists();
        return root;
    }

    private static Set<String> internalImports(Path sources) {
        Set<String> imports = new TreeSet<>();
        if (!Files.isDirectory(sources)) {
            return imports;
        }
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(file -> {
                try {
                    Matcher m = IMPORT.matcher(Files.readString(file));
                    while (m.find()) {
                        imports.add(m.group(1));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return imports;
    }
}
