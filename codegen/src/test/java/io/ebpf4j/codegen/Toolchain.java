package io.ebpf4j.codegen;

import org.junit.jupiter.api.Assumptions;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** clang and javac as the tests use them: real compilers, real outputs. */
final class Toolchain {
    /** The fixtures' source directory (test resources, copied by Maven onto the test class path). */
    static final Path FIXTURES = Path.of("src/test/resources/fixtures").toAbsolutePath();

    private Toolchain() {}

    /** Compiles a fixture for BPF the way the Maven plugin does by default. */
    static Path compileBpf(String source, Path outDir) {
        Path out = outDir.resolve(source.replaceFirst("\\.c$", ".o"));
        run(List.of("clang", "-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_x86", "-I/usr/include/x86_64-linux-gnu",
                "-I" + FIXTURES, "-Wall", "-Werror", "-c", FIXTURES.resolve(source).toString(), "-o", out.toString()));
        return out;
    }

    /** Compiles and runs a host C program, returning what it prints. */
    static String runHostProgram(String source, Path outDir) {
        Path exe = outDir.resolve(source.replaceFirst("\\.c$", ""));
        run(List.of("clang", "-Wall", "-Werror", "-I" + FIXTURES, FIXTURES.resolve(source).toString(), "-o",
                exe.toString()));
        return run(List.of(exe.toString()));
    }

    /** Compiles Java sources against the test class path into {@code outDir}, failing with javac's messages. */
    static ClassLoader javac(List<Path> sources, Path outDir) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-d", outDir.toString(), "-classpath",
                    System.getProperty("java.class.path"), "-Xlint:all", "-Werror", "--release", "17");
            boolean ok = compiler.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            if (!ok) {
                throw new AssertionError("javac failed:\n" + diagnostics.getDiagnostics());
            }
            return new URLClassLoader(new URL[] {outDir.toUri().toURL()}, Toolchain.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String run(List<String> command) {
        List<String> cmd = new ArrayList<>(command);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            // The README's test command needs only a JDK: without clang these tests are skipped, saying why
            // (.ci/run installs it, so CI runs them).
            Assumptions.abort("clang is not installed (apt-get install clang): these tests compile real C ("
                    + e.getMessage() + ")");
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Path copy(Path file, Path dir) throws IOException {
        Files.createDirectories(dir);
        return Files.copy(file, dir.resolve(file.getFileName()));
    }
}
