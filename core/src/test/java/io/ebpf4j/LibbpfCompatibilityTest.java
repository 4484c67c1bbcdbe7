package io.ebpf4j;

import io.ebpf4j.testing.Fixtures;
import io.ebpf4j.testing.LibbpfInventory;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opens every fixture object with libbpf (through {@code src/test/native/libbpf_inventory.c}) and with ebpf4j, and
 * compares what both make of it: programs (name, section, type, expected attach type, instruction count, autoload)
 * and maps (name, type, key and value size, max entries, flags, pinning, initial data). Opening needs no
 * privileges. {@link CorpusCompatibilityTest} does the same, and loads, on objects written elsewhere.
 */
@Tag("kernel")
class LibbpfCompatibilityTest {

    static List<String> objects() {
        return Fixtures.objects();
    }

    @ParameterizedTest
    @MethodSource("objects")
    void sameInventoryAsLibbpf(String object) {
        Path file = Fixtures.path(object + Fixtures.LITTLE_ENDIAN_SUFFIX);
        LibbpfInventory libbpf = LibbpfInventory.open(file);
        assertThat(libbpf.openFailure()).isEmpty();

        assertThat(libbpf.differencesFrom(CollectionSpec.load(file))).isEmpty();
    }
}
