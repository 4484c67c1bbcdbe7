package io.ebpf4j.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Compiles the C test programs of {@code src/test/native} with gcc into a temporary directory, once per JVM, so that
 * no binary is committed. Tests that need one are skipped when gcc, {@code sys/sdt.h} (systemtap-sdt-dev) or
 * libbpf-dev is missing — with a reason starting with {@value KernelExtension#SKIP_PREFIX}, since they are kernel
 * tests that CI must run. Where the system property {@value #PREBUILT_PROPERTY} names a directory holding
 * {@code <name>}, that binary is used instead: the kernel-test VM ({@code .ci/vm}) has no compiler, so the host
 * builds them.
 */
public final class NativeBinaries {
    /** core's sources, from core or from a sibling module (autoconfigure) that uses core's test jar. */
    private static final Path SOURCES = Files.isDirectory(Path.of("src/test/native")) ? Path.of("src/test/native")
            : Path.of("../core/src/test/native");
    /** Directory of binaries built beforehand (same Debian release), used instead of compiling. */
    public static final String PREBUILT_PROPERTY = "ebpf4j.test.native-binaries";
    private static final Map<String, Path> COMPILED = new HashMap<>();
    private static Path directory;

    private NativeBinaries() {}

    /** {@code probe_target}: see its source for the commands it understands. */
    public static Path probeTarget() {
        return compile("probe_target");
    }

    /** Compiles {@code src/test/native/<name>.c}; {@code libraries} are linker flags such as {@code -lbpf}. */
    public static synchronized Path compile(String name, String... libraries) {
        Path binary = COMPILED.get(name);
        if (binary != null) {
            return binary;
        }
        String prebuilt = System.getProperty(PREBUILT_PROPERTY);
        if (prebuilt != null && Files.isExecutable(Path.of(prebuilt, name))) {
            COMPILED.put(name, Path.of(prebuilt, name));
            return Path.of(prebuilt, name);
        }
        try {
            if (directory == null) {
                directory = Files.createTempDirectory("ebpf4j-native-");
                Path created = directory;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(created)));
            }
            binary = directory.resolve(name);
            Process gcc;
            try {
                java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("gcc", "-O2", "-g",
                        "-Wall", "-o", binary.toString(), SOURCES.resolve(name + ".c").toString()));
                command.addAll(java.util.List.of(libraries));
                gcc = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException e) {
                Assumptions.abort(KernelExtension.SKIP_PREFIX + " needs gcc to build the test program " + name + ": "
                        + e.getMessage());
                throw e;
            }
            String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (gcc.waitFor() != 0) {
                Assumptions.assumeFalse(output.contains("sys/sdt.h"), KernelExtension.SKIP_PREFIX
                        + " needs sys/sdt.h (Debian package systemtap-sdt-dev) to build " + name);
                Assumptions.assumeFalse(output.contains("bpf/libbpf.h"), KernelExtension.SKIP_PREFIX
                        + " needs libbpf (Debian package libbpf-dev) to build " + name);
                throw new IllegalStateException("gcc failed to build " + name + ":\n" + output);
            }
            COMPILED.put(name, binary);
            return binary;
        } catch (IOException e) {
            throw new IllegalStateException("cannot build " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building " + name, e);
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
