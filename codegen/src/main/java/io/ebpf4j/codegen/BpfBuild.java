package io.ebpf4j.codegen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a build tool plugin does with BPF C sources, independent of the build tool: every {@code *.bpf.c} under the
 * source directory compiled by clang into {@code bpf/<relative path>.bpf.o} under the class output, and
 * {@code XxxObjects.java} generated for each. An object is rebuilt only when it is older than its source or any
 * header under the source and include directories; a generated file is rewritten only when its text changes.
 */
public final class BpfBuild {
    private static final String SOURCE_SUFFIX = ".bpf.c";

    /**
     * Where the build lists, in the class output, which generated class goes with which object
     * ({@code bpf/x.bpf.o=com.example.XObjects}, a line each): how the Spring starter finds the class to inject for a
     * collection it loads from that object.
     */
    public static final String OBJECTS_INDEX = "META-INF/ebpf4j/objects.properties";

    /** Where messages go: the build tool's log. */
    public interface Log {
        void info(String message);

        void warn(String message);
    }

    /** What one run did, source by source. */
    public record Result(List<Path> compiled, List<Path> upToDate, List<Path> fromFallback, List<Path> generated) {}

    private final Path sourceDirectory;
    private final Path classesDirectory;
    private final Path generatedSourceDirectory;
    private final String packageName;
    private Set<String> types = Set.of();
    private String clang = "clang";
    private List<String> flags;
    private List<Path> includes = List.of();
    private Path vmlinuxDirectory;
    private Path fallbackObjectDirectory;

    /**
     * @param sourceDirectory where the {@code *.bpf.c} files (and their headers) are
     * @param classesDirectory the class output: objects go to its {@code bpf/} directory
     * @param generatedSourceDirectory the source root for the generated Java
     * @param packageName the package of the generated classes
     */
    public BpfBuild(Path sourceDirectory, Path classesDirectory, Path generatedSourceDirectory, String packageName) {
        this.sourceDirectory = Objects.requireNonNull(sourceDirectory, "sourceDirectory");
        this.classesDirectory = Objects.requireNonNull(classesDirectory, "classesDirectory");
        this.generatedSourceDirectory = Objects.requireNonNull(generatedSourceDirectory, "generatedSourceDirectory");
        this.packageName = Objects.requireNonNull(packageName, "packageName");
        this.flags = defaultFlags(sourceDirectory);
    }

    /**
     * {@code -O2 -g -Wall -D__TARGET_ARCH_<build machine's arch>}, with {@code projectDirectory} mapped to {@code .}
     * in debug info so objects do not depend on where the project was checked out. {@code -target bpf} and include
     * directories are always added.
     */
    public static List<String> defaultFlags(Path projectDirectory) {
        return List.of("-O2", "-g", "-Wall", "-D__TARGET_ARCH_" + Clang.targetArch(),
                "-fdebug-prefix-map=" + projectDirectory.toAbsolutePath() + "=.");
    }

    /** Structs, unions or enums to generate besides those of maps and globals (ring buffer events, say). */
    public BpfBuild types(Set<String> typeNames) {
        this.types = Set.copyOf(typeNames);
        return this;
    }

    /** The clang executable: a name looked up on the PATH, or a path. */
    public BpfBuild clang(String executable) {
        this.clang = Objects.requireNonNull(executable, "executable");
        return this;
    }

    /** Replaces {@link #defaultFlags}. */
    public BpfBuild flags(List<String> compilerFlags) {
        this.flags = List.copyOf(compilerFlags);
        return this;
    }

    /** More include directories, searched after the source directory. */
    public BpfBuild includes(List<Path> directories) {
        this.includes = List.copyOf(directories);
        return this;
    }

    /**
     * Writes {@code vmlinux.h} from the running kernel's BTF into {@code directory} (once: delete it to refresh) and
     * adds the directory to the include path.
     */
    public BpfBuild generateVmlinux(Path directory) {
        this.vmlinuxDirectory = directory;
        return this;
    }

    /**
     * Committed objects ({@code <relative path>.bpf.o}, as the source) to use, with a warning, when clang cannot be
     * run; without them a missing clang fails the build with how to install it.
     */
    public BpfBuild fallbackObjectDirectory(Path directory) {
        this.fallbackObjectDirectory = directory;
        return this;
    }

    /** Compiles what changed and generates Java for every object. */
    public Result run(Log log) {
        List<Path> compiled = new ArrayList<>();
        List<Path> upToDate = new ArrayList<>();
        List<Path> fromFallback = new ArrayList<>();
        List<Path> generated = new ArrayList<>();
        if (!Files.isDirectory(sourceDirectory)) {
            return new Result(compiled, upToDate, fromFallback, generated);
        }
        List<Path> includeDirs = includeDirectories(log);
        long newestHeader = 0;
        for (Path dir : includeDirs) {
            if (!dir.startsWith("/usr") && Files.isDirectory(dir)) { // system headers are not watched
                for (Path header : find(dir, ".h")) {
                    newestHeader = Math.max(newestHeader, modified(header));
                }
            }
        }
        Clang compiler = new Clang(clang);
        Boolean clangRuns = null;
        Generator generator = Generator.forPackage(packageName).withTypes(types);
        StringBuilder index = new StringBuilder();
        for (Path source : find(sourceDirectory, SOURCE_SUFFIX)) {
            String relative = sourceDirectory.relativize(source).toString().replace('\\', '/');
            String objectName = relative.substring(0, relative.length() - SOURCE_SUFFIX.length()) + ".bpf.o";
            Path object = classesDirectory.resolve("bpf").resolve(objectName);
            if (Files.exists(object) && modified(object) >= Math.max(modified(source), newestHeader)) {
                upToDate.add(source);
            } else {
                if (clangRuns == null) {
                    clangRuns = compiler.available();
                }
                if (clangRuns) {
                    log.info("compiling " + relative);
                    compiler.compile(source, object, flags, includeDirs);
                    compiled.add(source);
                } else {
                    copyFallback(objectName, object, log);
                    fromFallback.add(source);
                }
            }
            Path file;
            try {
                file = generator.withResource("bpf/" + objectName).generate(object, generatedSourceDirectory);
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot generate Java for " + objectName + ": " + e.getMessage(), e);
            }
            if (generated.contains(file)) {
                throw new IllegalStateException(relative + " generates " + file.getFileName() + " again: sources in "
                        + "different directories need different file names (the classes share one package)");
            }
            generated.add(file);
            String className = file.getFileName().toString().replaceFirst("\\.java$", "");
            index.append("bpf/").append(objectName).append('=')
                    .append(packageName.isEmpty() ? className : packageName + "." + className).append('\n');
        }
        if (!generated.isEmpty()) {
            writeIfChanged(classesDirectory.resolve(OBJECTS_INDEX), index.toString());
        }
        return new Result(compiled, upToDate, fromFallback, generated);
    }

    private List<Path> includeDirectories(Log log) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(sourceDirectory);
        dirs.addAll(includes);
        if (vmlinuxDirectory != null) {
            Path header = vmlinuxDirectory.resolve("vmlinux.h");
            if (!Files.exists(header)) {
                log.info("writing " + header + " from the kernel's BTF");
                try {
                    VmlinuxHeader.write(header);
                } catch (RuntimeException e) {
                    throw new IllegalStateException("cannot write vmlinux.h from the kernel's BTF (" + e.getMessage()
                            + "): commit a vmlinux.h next to the sources instead", e);
                }
            }
            dirs.add(vmlinuxDirectory);
        }
        dirs.addAll(Clang.multiarchIncludes());
        return dirs;
    }

    private void copyFallback(String objectName, Path object, Log log) {
        String install = "clang ('" + clang + "') cannot be run. Install it (Debian/Ubuntu: apt-get install clang; "
                + "Fedora/RHEL: dnf install clang; Alpine: apk add clang) or give the path to it";
        if (fallbackObjectDirectory == null) {
            throw new IllegalStateException(install + ", or configure a fallback object directory to build from "
                    + "committed objects.");
        }
        Path committed = fallbackObjectDirectory.resolve(objectName);
        if (!Files.exists(committed)) {
            throw new IllegalStateException(install + "; there is no committed " + committed + " to fall back to.");
        }
        log.warn(install + ". Using the committed " + committed + ", which may be older than its source.");
        try {
            Files.createDirectories(object.getParent());
            Files.copy(committed, object, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + committed, e);
        }
    }

    private static void writeIfChanged(Path file, String text) {
        try {
            if (!Files.exists(file) || !Files.readString(file).equals(text)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static List<Path> find(Path dir, String suffix) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix) && Files.isRegularFile(f))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the time of " + file, e);
        }
    }
}
