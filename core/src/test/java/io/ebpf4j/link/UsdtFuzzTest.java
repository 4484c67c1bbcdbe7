package io.ebpf4j.link;

import io.ebpf4j.BpfException;
import io.ebpf4j.fuzz.ParserBudget;
import io.ebpf4j.internal.sys.Arch;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the USDT parsers: the {@code .note.stapsdt} notes of an executable (with the segment
 * arithmetic that turns probe and semaphore addresses into file offsets) and the assembler's argument strings.
 * Malformed input must end in a {@link BpfException}, within {@link ParserBudget}. Seeds and kept failures are under
 * src/test/resources/io/ebpf4j/link/UsdtFuzzTestInputs/; see {@code ParsersFuzzTest} for how the targets run.
 */
class UsdtFuzzTest {
    /** Executables are read from a file: each input is written to this one. */
    private static Path executable;

    @BeforeAll
    static void createFile() throws IOException {
        executable = Files.createTempFile("ebpf4j-usdt-fuzz", "");
    }

    @AfterAll
    static void deleteFile() throws IOException {
        Files.deleteIfExists(executable);
    }

    @FuzzTest(maxDuration = "30s")
    void notes(byte[] input) throws IOException {
        Files.write(executable, input);
        ParserBudget.check(input, () -> {
            try {
                for (Usdt.Probe probe : Usdt.probes(Executable.of(executable))) {
                    arguments(probe.arguments(), probe.fullName());
                }
            } catch (BpfException expected) {
                // documented outcome for a malformed executable or note
            }
        });
    }

    @FuzzTest(maxDuration = "30s")
    void arguments(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        ParserBudget.check(input, () -> arguments(text, "fuzz:probe"));
    }

    private static void arguments(String text, String probe) {
        for (Arch arch : Arch.values()) {
            try {
                Usdt.parseArguments(text, arch, probe);
            } catch (BpfException expected) {
                // documented outcome for an argument this architecture's assembler would not write
            }
        }
    }
}
