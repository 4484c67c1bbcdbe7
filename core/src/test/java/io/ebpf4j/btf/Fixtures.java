package io.ebpf4j.btf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The compiled BPF fixtures under {@code src/test/resources/bpf} (built by {@code src/test/bpf/build-btf-fixtures.sh}). */
final class Fixtures {
    private Fixtures() {}

    /** Bytes of {@code bpf/<name>}, e.g. {@code btf_types.bpf.BTF}. */
    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/bpf/" + name)) {
            if (in == null) {
                throw new AssertionError("missing test resource bpf/" + name + ": run src/test/bpf/build-btf-fixtures.sh");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** File system path of {@code bpf/<name>}, for tools such as bpftool. */
    static Path path(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/bpf/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
