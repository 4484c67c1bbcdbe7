package io.ebpf4j.codegen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** clang as the BPF compiler: one process per source, its output in the error when it fails. */
final class Clang {
    private final String executable;

    Clang(String executable) {
        this.executable = executable;
    }

    /** Whether clang runs at all; false when it is not installed (or not at the configured path). */
    boolean available() {
        try {
            Process p = new ProcessBuilder(executable, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void compile(Path source, Path object, List<String> flags, List<Path> includes) {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(flags);
        command.add("-target");
        command.add("bpf");
        for (Path include : includes) {
            command.add("-I" + include);
        }
        command.add("-c");
        command.add(source.toString());
        command.add("-o");
        command.add(object.toString());
        try {
            Files.createDirectories(object.getParent());
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                Files.deleteIfExists(object); // never leave a half-written object that looks up to date
                throw new IllegalStateException("clang failed on " + source + ":\n" + output + "\ncommand: "
                        + String.join(" ", command));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compiling " + source, e);
        }
    }

    /** The kernel's name for the build machine's architecture, for {@code -D__TARGET_ARCH_<arch>}. */
    static String targetArch() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "x86";
            case "aarch64", "arm64" -> "arm64";
            case "s390x" -> "s390";
            case "ppc64le", "ppc64" -> "powerpc";
            case "riscv64" -> "riscv";
            case "loongarch64" -> "loongarch";
            default -> arch;
        };
    }

    /**
     * Debian's multiarch directory holding {@code asm/types.h}, which {@code linux/types.h} needs but
     * {@code -target bpf} does not search; empty on systems that keep it in /usr/include.
     */
    static List<Path> multiarchIncludes() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String triple = switch (arch) {
            case "amd64", "x86_64" -> "x86_64-linux-gnu";
            case "aarch64" -> "aarch64-linux-gnu";
            case "s390x" -> "s390x-linux-gnu";
            case "ppc64le" -> "powerpc64le-linux-gnu";
            case "riscv64" -> "riscv64-linux-gnu";
            default -> arch + "-linux-gnu";
        };
        Path dir = Path.of("/usr/include", triple);
        return Files.isDirectory(dir) ? List.of(dir) : List.of();
    }
}
