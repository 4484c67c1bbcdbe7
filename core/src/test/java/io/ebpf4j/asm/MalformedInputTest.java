package io.ebpf4j.asm;

import static io.ebpf4j.asm.Register.R0;
import static io.ebpf4j.asm.Register.R1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad bytes and impossible values give an {@link IllegalArgumentException} saying what and where. */
class MalformedInputTest {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    @Test
    void truncatedLoadImm64GivesItsByteOffset() {
        byte[] data = HEX.parseHex("b7 00 00 00 00 00 00 00 18 01 00 00 01 00 00 00");

        assertThatThrownBy(() -> Instructions.unmarshal(data, 0, data.length, LE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("truncated ld_imm64 at byte offset 8: its second 8-byte slot is missing");
    }

    @Test
    void byteOffsetsCountFromTheStartOfTheArray() {
        byte[] data = HEX.parseHex("ff ff ff ff 95 00 00 00 00 00 00 00 18 01 00 00 01 00 00 00 00 00 00 00");

        assertThatThrownBy(() -> Instructions.unmarshal(data, 4, 16, LE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("byte offset 12");
    }

    @Test
    void loadImm64SecondSlotMustBeEmpty() {
        byte[] data = HEX.parseHex("18 01 00 00 01 00 00 00 95 00 00 00 00 00 00 00");

        assertThatThrownBy(() -> Instructions.unmarshal(data, 0, data.length, LE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed ld_imm64 at byte offset 0");
    }

    @Test
    void lengthMustBeWholeInstructions() {
        byte[] data = new byte[12];

        assertThatThrownBy(() -> Instructions.unmarshal(data, 0, 12, LE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length 12 is not a multiple of the 8-byte instruction size");
    }

    @Test
    void rangeMustLieInsideTheData() {
        byte[] data = new byte[16];

        assertThatThrownBy(() -> Instructions.unmarshal(data, 8, 16, LE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the 16 bytes of data");
        assertThatThrownBy(() -> Instructions.unmarshal(data, -8, 8, LE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Instructions.unmarshal(data, 0, -8, LE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Instructions.unmarshal(data, 8, Integer.MAX_VALUE, LE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void registersAboveR10AreRejected() {
        byte[] littleEndian = HEX.parseHex("95 00 00 00 00 00 00 00 bf b1 00 00 00 00 00 00");
        byte[] bigEndian = HEX.parseHex("bf c1 00 00 00 00 00 00");

        assertThatThrownBy(() -> Instructions.unmarshal(littleEndian, 0, littleEndian.length, LE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid source register r11 in instruction at byte offset 8");
        assertThatThrownBy(() -> Instructions.unmarshal(bigEndian, 0, bigEndian.length, ByteOrder.BIG_ENDIAN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid destination register r12 in instruction at byte offset 0");
    }

    @Test
    void emptyInputIsAnEmptyProgram() {
        Instructions empty = Instructions.unmarshal(new byte[0], 0, 0, LE);

        assertThat(empty.size()).isZero();
        assertThat(empty.slotCount()).isZero();
        assertThat(empty.marshal(LE)).isEmpty();
    }

    @Test
    void constantsOutsideThirtyTwoBitsAreReportedNotTruncated() {
        Instructions program = Instructions.of(List.of(
                Instruction.of(0x95, R0, R0, 0, 0),
                Instruction.of(0xb7, R1, R0, 0, 1L << 32)));

        assertThatThrownBy(() -> program.marshal(LE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("instruction at slot 1 (r1 = 4294967296): constant 4294967296 does not fit in the "
                        + "signed 32-bit immediate");
    }

    @Test
    void fieldsOutsideTheirRangeAreRejected() {
        assertThatThrownBy(() -> Instruction.of(0x100, R0, R0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("opcode 0x100");
        assertThatThrownBy(() -> Instruction.of(0x61, R0, R1, 40_000, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset 40000");
        assertThatThrownBy(() -> Register.of(11))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("r11");
    }
}
