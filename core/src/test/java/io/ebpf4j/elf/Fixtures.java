package io.ebpf4j.elf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The compiled BPF fixtures under {@code src/test/resources/bpf}: every {@code *.bpf.o} and {@code *.bpfeb.o}. */
final class Fixtures {
    static final String LITTLE_ENDIAN_SUFFIX = ".bpf.o";
    static final String BIG_ENDIAN_SUFFIX = ".bpfeb.o";

    private Fixtures() {
    }

    /** File names of all fixture objects, both byte orders, sorted. */
    static List<String> objects() {
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
    static List<String> names() {
        return objects().stream()
                .filter(n -> n.endsWith(LITTLE_ENDIAN_SUFFIX))
                .map(n -> n.substring(0, n.length() - LITTLE_ENDIAN_SUFFIX.length()))
                .toList();
    }

    static Path path(String fileName) {
        return directory().resolve(fileName);
    }

    static byte[] bytes(String fileName) {
        try {
            return Files.readAllBytes(path(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ElfFile parse(String fileName) {
        return ElfFile.parse(bytes(fileName));
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
