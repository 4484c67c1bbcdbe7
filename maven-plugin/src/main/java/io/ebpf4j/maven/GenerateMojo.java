package io.ebpf4j.maven;

import io.ebpf4j.codegen.Generator;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;

/**
 * Compiles every {@code *.bpf.c} under {@link #sourceDirectory} with clang into {@code bpf/<path>.bpf.o} on the class
 * path, then generates {@code XxxObjects.java} for each object into a source root the compiler picks up. An object is
 * rebuilt only when it is older than its source or any header under the source and include directories.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class GenerateMojo extends AbstractMojo {
    private static final String SUFFIX = ".bpf.c";

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** Where the BPF C sources are; their headers may sit next to them. */
    @Parameter(defaultValue = "${project.basedir}/src/main/bpf")
    private File sourceDirectory;

    /** Where the objects go: {@code bpf/} on the class path, where the generated classes load them from. */
    @Parameter(defaultValue = "${project.build.outputDirectory}/bpf")
    private File objectDirectory;

    /** The generated source root, added to the compilation. */
    @Parameter(defaultValue = "${project.build.directory}/generated-sources/ebpf4j")
    private File generatedSourceDirectory;

    /** The Java package of the generated classes. */
    @Parameter(required = true)
    private String packageName;

    /** Structs, unions or enums to generate besides those of maps and globals (ring buffer events, say). */
    @Parameter
    private List<String> types = new ArrayList<>();

    /** The clang executable. */
    @Parameter(property = "ebpf4j.clang", defaultValue = "clang")
    private String clang;

    /** Compiler flags; {@code -target bpf} and the include directories are always added. Default: see {@link #defaultFlags()}. */
    @Parameter
    private List<String> flags;

    /** More include directories (libbpf headers elsewhere, a shared header directory). */
    @Parameter
    private List<File> includes = new ArrayList<>();

    /** Writes {@code vmlinux.h} from the running kernel's BTF ({@code /sys/kernel/btf/vmlinux}) and includes it. */
    @Parameter(property = "ebpf4j.generateVmlinux", defaultValue = "false")
    private boolean generateVmlinux;

    /**
     * Objects committed for builds without clang ({@code <name>.bpf.o}, with the same relative path as the source):
     * used, with a warning, only when clang cannot be run. Unset, a missing clang fails the build.
     */
    @Parameter
    private File fallbackObjectDirectory;

    @Parameter(property = "ebpf4j.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException {
        if (skip) {
            getLog().info("ebpf4j: skipped");
            return;
        }
        Path sources = sourceDirectory.toPath();
        if (!Files.isDirectory(sources)) {
            getLog().info("ebpf4j: no " + sources + ", nothing to compile");
            return;
        }
        List<Path> cFiles = find(sources, SUFFIX);
        if (cFiles.isEmpty()) {
            getLog().info("ebpf4j: no *" + SUFFIX + " under " + sources);
            return;
        }
        List<Path> includeDirs = includeDirectories(sources);
        long newestHeader = newestHeader(includeDirs);
        Clang compiler = new Clang(clang);
        Boolean clangAvailable = null;
        Generator generator = Generator.forPackage(packageName).withTypes(new HashSet<>(types));
        Path generated = generatedSourceDirectory.toPath();
        for (Path source : cFiles) {
            String relative = sources.relativize(source).toString();
            String objectName = relative.substring(0, relative.length() - SUFFIX.length()) + ".bpf.o";
            Path object = objectDirectory.toPath().resolve(objectName);
            if (upToDate(object, source, newestHeader)) {
                getLog().debug("ebpf4j: " + objectName + " is up to date");
            } else {
                if (clangAvailable == null) {
                    clangAvailable = compiler.available();
                }
                if (clangAvailable) {
                    getLog().info("ebpf4j: compiling " + relative);
                    compiler.compile(source, object, flags != null ? flags : defaultFlags(), includeDirs);
                } else {
                    useFallback(objectName, object);
                }
            }
            String resource = project.getBasedir().toPath().resolve(project.getBuild().getOutputDirectory())
                    .relativize(object).toString().replace(File.separatorChar, '/');
            try {
                generator.withResource(resource).generate(object, generated);
            } catch (RuntimeException e) {
                throw new MojoExecutionException("cannot generate Java for " + objectName + ": " + e.getMessage(), e);
            }
        }
        project.addCompileSourceRoot(generated.toString());
    }

    /** {@code -O2 -g -Wall -D__TARGET_ARCH_<arch>}, with source paths in debug info relative, for reproducible objects. */
    private List<String> defaultFlags() {
        return List.of("-O2", "-g", "-Wall", "-D__TARGET_ARCH_" + Clang.targetArch(),
                "-fdebug-prefix-map=" + project.getBasedir() + "=.");
    }

    private List<Path> includeDirectories(Path sources) throws MojoExecutionException {
        List<Path> dirs = new ArrayList<>();
        dirs.add(sources);
        for (File include : includes) {
            dirs.add(include.toPath());
        }
        if (generateVmlinux) {
            Path headers = Path.of(project.getBuild().getDirectory(), "ebpf4j-headers");
            Path header = headers.resolve("vmlinux.h");
            if (!Files.exists(header)) {
                getLog().info("ebpf4j: writing " + header + " from the kernel's BTF");
                try {
                    io.ebpf4j.codegen.VmlinuxHeader.write(header);
                } catch (RuntimeException e) {
                    throw new MojoExecutionException("cannot write vmlinux.h from the kernel's BTF (" + e.getMessage()
                            + "): commit a vmlinux.h next to the sources instead and set generateVmlinux to false", e);
                }
            }
            dirs.add(headers);
        }
        dirs.addAll(Clang.multiarchIncludes());
        return dirs;
    }

    /** The newest header in the project's own include directories (system headers are not watched). */
    private long newestHeader(List<Path> includeDirs) throws MojoExecutionException {
        long newest = 0;
        for (Path dir : includeDirs) {
            if (dir.startsWith("/usr") || !Files.isDirectory(dir)) {
                continue;
            }
            for (Path header : find(dir, ".h")) {
                newest = Math.max(newest, modified(header));
            }
        }
        return newest;
    }

    private static boolean upToDate(Path object, Path source, long newestHeader) throws MojoExecutionException {
        if (!Files.exists(object)) {
            return false;
        }
        long built = modified(object);
        return built >= modified(source) && built >= newestHeader;
    }

    private void useFallback(String objectName, Path object) throws MojoExecutionException {
        String install = "clang ('" + clang + "') cannot be run. Install it (Debian/Ubuntu: apt-get install clang; "
                + "Fedora/RHEL: dnf install clang; Alpine: apk add clang) or point <clang> / -Debpf4j.clang at it";
        if (fallbackObjectDirectory == null) {
            throw new MojoExecutionException(install + ", or set <fallbackObjectDirectory> to build from committed "
                    + "objects.");
        }
        Path committed = fallbackObjectDirectory.toPath().resolve(objectName);
        if (!Files.exists(committed)) {
            throw new MojoExecutionException(install + "; there is no committed " + committed + " to fall back to.");
        }
        getLog().warn("ebpf4j: " + install + ". Using the committed " + committed + ", which may be older than "
                + "its source.");
        try {
            Files.createDirectories(object.getParent());
            Files.copy(committed, object, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot copy " + committed + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> find(Path dir, String suffix) throws MojoExecutionException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix) && Files.isRegularFile(f))
                    .sorted().toList();
        } catch (IOException e) {
            throw new MojoExecutionException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static long modified(Path file) throws MojoExecutionException {
        try {
            FileTime time = Files.getLastModifiedTime(file);
            return time.toMillis();
        } catch (IOException e) {
            throw new MojoExecutionException("cannot read the time of " + file + ": " + e.getMessage(), e);
        }
    }
}
