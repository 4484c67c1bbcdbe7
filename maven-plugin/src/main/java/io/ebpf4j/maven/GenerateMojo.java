package io.ebpf4j.maven;

import io.ebpf4j.codegen.BpfBuild;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Compiles every {@code *.bpf.c} under {@link #sourceDirectory} with clang into {@code bpf/<path>.bpf.o} on the class
 * path, and generates {@code XxxObjects.java} for each object into a source root added to the compilation (see
 * {@link BpfBuild}). Unchanged sources are not recompiled.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class GenerateMojo extends AbstractMojo {
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** Where the BPF C sources are; their headers may sit next to them. */
    @Parameter(defaultValue = "${project.basedir}/src/main/bpf")
    private File sourceDirectory;

    /** The class output; objects go to its {@code bpf/} directory, where the generated classes load them from. */
    @Parameter(defaultValue = "${project.build.outputDirectory}")
    private File classesDirectory;

    /** The generated source root. */
    @Parameter(defaultValue = "${project.build.directory}/generated-sources/ebpf4j")
    private File generatedSourceDirectory;

    /** The Java package of the generated classes. */
    @Parameter(required = true)
    private String packageName;

    /** Structs, unions or enums to generate besides those of maps and globals (ring buffer events, say). */
    @Parameter
    private List<String> types = new ArrayList<>();

    /** The clang executable: a name looked up on the PATH, or a path. */
    @Parameter(property = "ebpf4j.clang", defaultValue = "clang")
    private String clang;

    /**
     * Compiler flags, replacing the default {@code -O2 -g -Wall -D__TARGET_ARCH_<arch>
     * -fdebug-prefix-map=<basedir>=.}; {@code -target bpf} and the include directories are always added.
     */
    @Parameter
    private List<String> flags;

    /** More include directories (libbpf headers elsewhere, a shared header directory). */
    @Parameter
    private List<File> includes = new ArrayList<>();

    /** Writes {@code vmlinux.h} from the running kernel's BTF ({@code /sys/kernel/btf/vmlinux}) and includes it. */
    @Parameter(property = "ebpf4j.generateVmlinux", defaultValue = "false")
    private boolean generateVmlinux;

    /**
     * Committed objects ({@code <name>.bpf.o}, at the same relative path as the source) used, with a warning, when
     * clang cannot be run. Unset, a missing clang fails the build with how to install it.
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
        Path generated = generatedSourceDirectory.toPath();
        BpfBuild build = new BpfBuild(sourceDirectory.toPath(), classesDirectory.toPath(), generated, packageName)
                .types(new HashSet<>(types))
                .clang(clang)
                .flags(flags != null ? flags : BpfBuild.defaultFlags(project.getBasedir().toPath()))
                .includes(includes.stream().map(File::toPath).toList());
        if (generateVmlinux) {
            build.generateVmlinux(Path.of(project.getBuild().getDirectory(), "ebpf4j-headers"));
        }
        if (fallbackObjectDirectory != null) {
            build.fallbackObjectDirectory(fallbackObjectDirectory.toPath());
        }
        BpfBuild.Result result;
        try {
            result = build.run(new BpfBuild.Log() {
                @Override
                public void info(String message) {
                    getLog().info("ebpf4j: " + message);
                }

                @Override
                public void warn(String message) {
                    getLog().warn("ebpf4j: " + message);
                }
            });
        } catch (RuntimeException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
        if (result.generated().isEmpty()) {
            getLog().info("ebpf4j: no *.bpf.c under " + sourceDirectory);
            return;
        }
        if (!result.upToDate().isEmpty()) {
            getLog().info("ebpf4j: " + result.upToDate().size() + " object(s) up to date");
        }
        project.addCompileSourceRoot(generated.toString());
    }
}
