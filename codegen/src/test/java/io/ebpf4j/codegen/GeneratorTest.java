package io.ebpf4j.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ebpf4j.CollectionSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.ProgramType;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The generator on a real object: layout.bpf.c compiled by clang, the Java generated from it compiled by javac, and
 * drivers (fixtures/java) that use the generated API as a user would, checked against what the C compiler says.
 */
class GeneratorTest {
    @TempDir
    static Path dir;
    static Path object;
    static ClassLoader generated;

    @BeforeAll
    static void generateAndCompile() throws IOException {
        object = Toolchain.compileBpf("layout.bpf.c", dir);
        Path sources = dir.resolve("src");
        Path source = Generator.forPackage("gen").withTypes(Set.of("number")).generate(object, sources);
        Path classes = dir.resolve("classes");
        // The object where the generated class looks for it at run time.
        Toolchain.copy(object, classes.resolve("bpf"));
        generated = Toolchain.javac(List.of(source, Toolchain.FIXTURES.resolve("java/LayoutCheck.java"),
                Toolchain.FIXTURES.resolve("java/KernelCheck.java")), classes);
    }

    @Test
    void codecsReadAndWriteWhatTheCCompilerLaysOut() throws Exception {
        Map<String, String> host = new LinkedHashMap<>();
        for (String line : Toolchain.runHostProgram("layout_host.c", dir).split("\n")) {
            String[] kv = line.split("=", 2);
            host.put(kv[0], kv[1]);
        }
        driver("gen.LayoutCheck", Consumer.class).accept(host);
    }

    @Test
    @RequiresKernel(mapTypes = {MapType.HASH, MapType.ARRAY, MapType.RINGBUF},
            programTypes = ProgramType.TRACEPOINT)
    void generatedObjectsLoadAttachAndReadBackRecords() throws Exception {
        driver("gen.KernelCheck", Runnable.class).run();
    }

    @Test
    void generatesOneClassWithTheObjectsAccessors() throws IOException {
        String source = Files.readString(dir.resolve("src/gen/LayoutObjects.java"));
        assertThat(source)
                .contains("public TypedMap<Padded, Event> events()")
                .contains("public TypedMap<Integer, Number> numbers()")
                .contains("public TypedMap<Color, MeasureT> measures()")
                .contains("public BpfMap ring()")
                .contains("public BpfProgram onExec()")
                .contains("public Spec setMarker(int value)")
                .contains("public void setRuns(long value)")
                .doesNotContain("public void setMarker(") // .rodata is frozen once loaded
                .contains("public record EventU(int asU32, byte[] asBytes)");
    }

    @Test
    void requestedTypesMustExist() {
        CollectionSpec spec = CollectionSpec.load(object);
        assertThatThrownBy(() -> Generator.forPackage("gen").withTypes(Set.of("no_such_type"))
                .generate("layout.bpf.o", spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no_such_type");
    }

    @Test
    void commandLineWritesTheClass(@TempDir Path out) {
        List<Path> written = Main.run(List.of("generate", object.toString(), "--package", "com.example", "--out",
                out.toString(), "--type", "number"));
        assertThat(written).containsExactly(out.resolve("com/example/LayoutObjects.java"));
        assertThatThrownBy(() -> Main.run(List.of("generate", object.toString())))
                .hasMessageContaining("--package and --out are required");
    }

    private static <T> T driver(String name, Class<T> type) throws Exception {
        return type.cast(generated.loadClass(name).getDeclaredConstructor().newInstance());
    }
}
