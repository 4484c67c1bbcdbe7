package io.ebpf4j.asm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every 8-bit opcode, valid or not, survives marshal and unmarshal in both byte orders with all its fields. The
 * encodings of the valid ones are checked against an assembler in {@link EncodingTest}.
 */
class RoundTripTest {

    static IntStream everyOpCode() {
        return IntStream.range(0, 256);
    }

    @ParameterizedTest(name = "opcode 0x{0}")
    @MethodSource("everyOpCode")
    void roundTripsInBothByteOrders(int opCode) {
        long constant = opCode == 0x18 ? 0x8123_4567_89ab_cdefL : -123_456;
        Instructions program = Instructions.of(List.of(
                Instruction.of(opCode, Register.R3, Register.R10, -2, constant),
                Instruction.of(opCode, Register.R10, Register.R0, 32_767, opCode == 0x18 ? -1 : Integer.MAX_VALUE)));

        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            byte[] bytes = program.marshal(order);
            Instructions decoded = Instructions.unmarshal(bytes, 0, bytes.length, order);

            assertThat(decoded).isEqualTo(program);
            assertThat(decoded.marshal(order)).isEqualTo(bytes);
        }
    }
}
