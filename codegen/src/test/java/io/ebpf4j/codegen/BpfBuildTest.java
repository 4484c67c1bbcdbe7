package io.ebpf4j.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The build-tool-independent build: clang on real sources, incremental rebuilds, and what happens without clang. */
class BpfBuildTest {
    @TempDir
    Path project;
    Path sources;
    Path classes;
    Path generated;
    final List<String> warnings = new ArrayList<>();
    final BpfBuild.Log log = new BpfBuild.Log() {
        @Override
        public void info(String message) {}

        @Override
        public void warn(String message) {
            warnings.add(message);
        }
    };

    @BeforeEach
    void sources() throws IOException {
        sources = project.resolve("src/main/bpf");
        classes = project.resolve("target/classes");
        generated = project.resolve("target/generated-sources/ebpf4j");
        Toolchain.copy(Toolchain.FIXTURES.resolve("layout.h"), sources);
        Toolchain.copy(Toolchain.FIXTURES.resolve("layout.bpf.c"), sources.resolve("probes"));
        Files.move(sources.resolve("layout.h"), sources.resolve("probes/layout.h"));
    }

    private BpfBuild build() {
        return new BpfBuild(sources, classes, generated, "com.example").types(Set.of("number"));
    }

    @Test
    void compilesOntoTheClassPathAndGeneratesTheClass() throws IOException {
        BpfBuild.Result result = build().run(log);

        Path object = classes.resolve("bpf/probes/layout.bpf.o");
        assertThat(result.compiled()).containsExactly(sources.resolve("probes/layout.bpf.c"));
        assertThat(object).isRegularFile();
        Path source = generated.resolve("com/example/LayoutObjects.java");
        assertThat(result.generated()).containsExactly(source);
        assertThat(Files.readString(source)).contains("OBJECT = \"bpf/probes/layout.bpf.o\"");
        assertThat(classes.resolve(BpfBuild.OBJECTS_INDEX))
                .hasContent("bpf/probes/layout.bpf.o=com.example.LayoutObjects");
        // Relative paths in debug info: the object does not depend on where the project is.
        assertThat(new String(Files.readAllBytes(object), StandardCharsets.ISO_8859_1))
                .doesNotContain(project.toString());
    }

    @Test
    void recompilesOnlyWhenTheSourceOrAHeaderChanged() throws IOException {
        build().run(log);
        Path object = classes.resolve("bpf/probes/layout.bpf.o");
        Path java = generated.resolve("com/example/LayoutObjects.java");
        FileTime objectTime = Files.getLastModifiedTime(object);
        FileTime javaTime = Files.getLastModifiedTime(java);

        BpfBuild.Result again = build().run(log);
        assertThat(again.compiled()).isEmpty();
        assertThat(again.upToDate()).hasSize(1);
        assertThat(Files.getLastModifiedTime(object)).isEqualTo(objectTime);
        assertThat(Files.getLastModifiedTime(java)).isEqualTo(javaTime); // same text: not rewritten

        Files.setLastModifiedTime(sources.resolve("probes/layout.h"), FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(build().run(log).compiled()).hasSize(1);
        Files.setLastModifiedTime(sources.resolve("probes/layout.bpf.c"), FileTime.from(Instant.now().plusSeconds(10)));
        assertThat(build().run(log).compiled()).hasSize(1);
    }

    @Test
    void withoutClangFailsSayingHowToInstallIt() {
        assertThatThrownBy(() -> build().clang("/nonexistent/clang").run(log))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("clang ('/nonexistent/clang') cannot be run")
                .hasMessageContaining("apt-get install clang")
                .hasMessageContaining("fallback");
    }

    @Test
    void withoutClangUsesCommittedObjectsWhenConfigured() throws IOException {
        Path committed = project.resolve("committed");
        Files.createDirectories(committed.resolve("probes"));
        Files.copy(Toolchain.compileBpf("layout.bpf.c", Files.createDirectories(project.resolve("elsewhere"))),
                committed.resolve("probes/layout.bpf.o"));

        BpfBuild.Result result = build().clang("/nonexistent/clang").fallbackObjectDirectory(committed).run(log);

        assertThat(result.fromFallback()).hasSize(1);
        assertThat(classes.resolve("bpf/probes/layout.bpf.o")).hasSameBinaryContentAs(committed.resolve("probes/layout.bpf.o"));
        assertThat(result.generated()).hasSize(1);
        assertThat(warnings).singleElement().asString().contains("Using the committed");
    }

    @Test
    void clangErrorsFailTheBuildWithClangsMessage() throws IOException {
        Files.writeString(sources.resolve("broken.bpf.c"), "int f(void) { return undeclared; }\n");
        assertThatThrownBy(() -> build().run(log))
                .hasMessageContaining("clang failed on")
                .hasMessageContaining("undeclared");
        assertThat(classes.resolve("bpf/broken.bpf.o")).doesNotExist();
    }
}
