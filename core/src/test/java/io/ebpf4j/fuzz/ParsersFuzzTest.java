package io.ebpf4j.fuzz;

import io.ebpf4j.BtfFormatException;
import io.ebpf4j.CollectionSpec;
import io.ebpf4j.ElfFormatException;
import io.ebpf4j.asm.Instructions;
import io.ebpf4j.btf.ExtInfo;
import io.ebpf4j.btf.Spec;
import io.ebpf4j.internal.elf.ElfFile;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.ByteOrder;

/**
 * Coverage-guided fuzzing of every parser of untrusted bytes (Jazzer). In a normal test run each target replays
 * its seeds and the inputs that once failed (under src/test/resources/io/ebpf4j/fuzz/ParsersFuzzTestInputs/);
 * with {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration} and keeps failing inputs there as regression cases.
 * Only the documented format exceptions may escape, within {@link ParserBudget}.
 */
class ParsersFuzzTest {

    @FuzzTest(maxDuration = "40s")
    void elfFile(byte[] input) {
        ParserBudget.check(input, () -> {
            try {
                ElfFile elf = ElfFile.parse(input);
                elf.sections().forEach(s -> elf.relocations(s));
            } catch (ElfFormatException expected) {
                // documented outcome for malformed input
            }
        });
    }

    @FuzzTest(maxDuration = "40s")
    void collectionSpec(byte[] input) {
        ParserBudget.check(input, () -> {
            try {
                CollectionSpec.load(input);
            } catch (ElfFormatException | BtfFormatException expected) {
                // documented outcome for malformed input
            }
        });
    }

    @FuzzTest(maxDuration = "40s")
    void btf(byte[] input) {
        ParserBudget.check(input, () -> {
            try {
                Spec spec = Spec.parse(input);
                spec.typeIds().forEach(spec::typeById);
            } catch (BtfFormatException expected) {
                // documented outcome for malformed input
            }
        });
    }

    @FuzzTest(maxDuration = "30s")
    void btfExt(byte[] input) {
        ParserBudget.check(input, () -> {
            try {
                // The .BTF.ext of a fixture refers to that fixture's .BTF
                ExtInfo.parse(input, ByteOrder.LITTLE_ENDIAN, BtfOfCollectionFixture.SPEC);
            } catch (BtfFormatException expected) {
                // documented outcome for malformed input
            }
        });
    }

    @FuzzTest(maxDuration = "30s")
    void instructions(byte[] input) {
        ParserBudget.check(input, () -> {
            for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                try {
                    Instructions insns = Instructions.unmarshal(input, 0, input.length, order);
                    insns.toString();
                    insns.marshal(order);
                } catch (IllegalArgumentException expected) {
                    // documented outcome for malformed input
                }
            }
        });
    }

    private static final class BtfOfCollectionFixture {
        static final Spec SPEC = Spec.parse(io.ebpf4j.testing.Fixtures.section("collection.bpf.o", ".BTF"));
    }
}
