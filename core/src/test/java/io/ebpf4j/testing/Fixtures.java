package io.ebpf4j.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The compiled BPF fixtures under {@code src/test/resources/bpf} (built from {@code src/test/bpf} by
 * {@code make -C core/src/test/bpf}): every {@code <name>.bpf.o} and its big-endian twin {@code <name>.bpfeb.o}.
 */
public final class Fixtures {
    public static final String LITTLE_ENDIAN_SUFFIX = ".bpf.o";
    public static final String BIG_ENDIAN_SUFFIX = ".bpfeb.o";

    private Fixtures() {}

    /** File names of all fixture objects, both byte orders, sorted. */
    public static List<String> files() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(LITTLE_ENDIAN_SUFFIX) || n.endsWith(BIG_ENDIAN_SUFFIX))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Base names ({@code maps} for {@code maps.bpf.o}) of the fixtures that have a little-endian object. */
    public static List<String> objects() {
        return files().stream()
                .filter(n -> n.endsWith(LITTLE_ENDIAN_SUFFIX))
                .map(n -> n.substring(0, n.length() - LITTLE_ENDIAN_SUFFIX.length()))
                .toList();
    }

    /**
     * Base names of the fixtures that have both byte orders: all but {@code linked}, which bpftool links and bpftool
     * 7.1 cannot link big-endian objects.
     */
    public static List<String> twins() {
        List<String> files = files();
        return objects().stream().filter(n -> files.contains(n + BIG_ENDIAN_SUFFIX)).toList();
    }

    /** File system path of {@code bpf/<fileName>}, for tools such as bpftool. */
    public static Path path(String fileName) {
        return directory().resolve(fileName);
    }

    /** Bytes of {@code bpf/<fileName>}, from the class path (also works from the core test jar). */
    public static byte[] bytes(String fileName) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/bpf/" + fileName)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource bpf/" + fileName
                        + ": rebuild the fixtures with make -C core/src/test/bpf");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The contents of ELF section {@code section} of fixture {@code fileName}, e.g. its {@code .BTF}. */
    public static byte[] section(String fileName, String section) {
        io.ebpf4j.internal.elf.ElfFile elf = io.ebpf4j.internal.elf.ElfFile.parse(bytes(fileName));
        java.nio.ByteBuffer data = elf.data(elf.section(section).orElseThrow(() -> new IllegalStateException(
                "fixture " + fileName + " has no section " + section)));
        byte[] out = new byte[data.remaining()];
        data.get(out);
        return out;
    }

    private static Path directory() {
        URL url = Fixtures.class.getResource("/bpf/minimal.bpf.o");
        if (url == null) {
            throw new IllegalStateException("test resources bpf/ not on the class path");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
