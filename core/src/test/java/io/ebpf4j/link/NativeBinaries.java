package io.ebpf4j.link;

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
 * no binary is committed. Tests that need one are skipped (with the reason) when gcc or {@code sys/sdt.h}
 * (Debian package systemtap-sdt-dev) is missing.
 */
final class NativeBinaries {
    private static final Path SOURCES = Path.of("src/test/native");
    private static final Map<String, Path> COMPILED = new HashMap<>();
    private static Path directory;

    private NativeBinaries() {}

    /** {@code probe_target}: see its source for the commands it understands. */
    static Path probeTarget() {
        return compile("probe_target");
    }

    static synchronized Path compile(String name) {
        Path binary = COMPILED.get(name);
        if (binary != null) {
            return binary;
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
                gcc = new ProcessBuilder("gcc", "-O2", "-g", "-Wall", "-o", binary.toString(),
                        SOURCES.resolve(name + ".c").toString()).redirectErrorStream(true).start();
            } catch (IOException e) {
                Assumptions.abort("needs gcc to build the test program " + name + ": " + e.getMessage());
                throw e;
            }
            String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (gcc.waitFor() != 0) {
                Assumptions.assumeFalse(output.contains("sys/sdt.h"),
                        "needs sys/sdt.h (Debian package systemtap-sdt-dev) to build " + name);
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
