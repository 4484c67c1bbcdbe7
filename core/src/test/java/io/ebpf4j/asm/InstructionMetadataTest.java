package io.ebpf4j.asm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InstructionMetadataTest {
    record LineInfo(String file, int line) {}

    record Relocation(int kind) {}

    @Test
    void metadataIsKeptPerClassAndTravelsWithCopies() {
        Instruction plain = Instruction.of(0xb7, Register.R0, Register.R0, 0, 1);
        Instruction annotated = plain.withMetadata(new LineInfo("a.c", 3)).withMetadata(new Relocation(0));
        assertThat(plain.metadata(LineInfo.class)).isNull();
        assertThat(annotated.metadata(LineInfo.class)).isEqualTo(new LineInfo("a.c", 3));
        Instruction moved = annotated.withConstant(2).withMetadata(new LineInfo("a.c", 4));
        assertThat(moved.metadata(LineInfo.class).line()).isEqualTo(4);
        assertThat(moved.metadata(Relocation.class)).isEqualTo(new Relocation(0));
        assertThat(moved.withoutMetadata(Relocation.class).metadata(Relocation.class)).isNull();
        assertThat(annotated).isNotEqualTo(plain.withMetadata(new LineInfo("a.c", 3)));
        assertThat(annotated).isEqualTo(plain.withMetadata(new LineInfo("a.c", 3)).withMetadata(new Relocation(0)));
    }
}
