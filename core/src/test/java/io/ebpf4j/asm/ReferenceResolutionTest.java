package io.ebpf4j.asm;

import static io.ebpf4j.asm.Register.R0;
import static io.ebpf4j.asm.Register.R1;
import static io.ebpf4j.asm.Register.R2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.ebpf4j.asm.Instructions.Builder;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Names turned into distances at marshal time. A distance counts slots from the slot after the jump or call (the
 * kernel's {@code pc + off + 1}), and an {@code ld_imm64} in between counts two.
 */
class ReferenceResolutionTest {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    @Test
    void jumpsGetTheSlotDistanceToTheirLabel() {
        Instructions program = Instructions.builder()
                .label("loop")
                .mov64(R1, 0) //                             slot 0
                .loadImm64(R2, 1L << 40) //                  slots 1-2
                .jumpIf(JumpOp.JNE, R1, R2, "loop") //       slot 3: 0 - 4
                .ja("end") //                                slot 4: 6 - 5
                .mov64(R0, 1) //                             slot 5
                .label("end")
                .exit() //                                   slot 6
                .build();

        Instructions decoded = roundTrip(program, ByteOrder.LITTLE_ENDIAN);

        assertThat(decoded.get(2).offset()).isEqualTo((short) -4);
        assertThat(decoded.get(3).offset()).isEqualTo((short) 1);
    }

    @Test
    void jumpsMayTargetAFunctionSymbol() {
        Instructions program = Instructions.builder()
                .function("main")
                .mov64(R0, 0)
                .jumpIf(JumpOp.JEQ, R1, 0, "main")
                .exit()
                .build();

        assertThat(roundTrip(program, ByteOrder.BIG_ENDIAN).get(1).offset()).isEqualTo((short) -2);
    }

    @Test
    void gotolReachesBeyondSixteenBits() {
        Builder builder = Instructions.builder().gotol("far");
        movs(builder, 40_000);
        Instructions program = builder.label("far").exit().build();

        // llvm-mc assembled the same program ("gotol L1", 40000 times "r0 = 0", "L1: exit") to these bytes.
        byte[] first = Arrays.copyOf(program.marshal(ByteOrder.LITTLE_ENDIAN), 8);
        assertThat(HEX.formatHex(first)).isEqualTo("06 00 00 00 40 9c 00 00");
    }

    @Test
    void jumpsBeyondSixteenBitsFailAndSuggestGotol() {
        Builder builder = Instructions.builder().ja("far");
        movs(builder, 40_000);
        builder.label("far").exit();

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spans 40000 slots")
                .hasMessageContaining("gotol");
    }

    @Test
    void sixteenBitBoundaryIsExact() {
        assertThat(roundTrip(backwardJump(32_767), ByteOrder.LITTLE_ENDIAN).get(32_767).offset())
                .isEqualTo(Short.MIN_VALUE);
        assertThatThrownBy(() -> backwardJump(32_768))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spans -32769 slots");
    }

    /** A program whose last instruction jumps back to the first, over {@code gap} instructions. */
    private static Instructions backwardJump(int gap) {
        Builder builder = Instructions.builder().label("top");
        movs(builder, gap);
        return builder.ja("top").build();
    }

    @Test
    void unknownLabelFailsAtBuildNamingIt() {
        Builder builder = Instructions.builder().jumpIf(JumpOp.JEQ, R0, 0, "nowhere").exit();

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown label 'nowhere'");
    }

    @Test
    void unknownLabelFailsAtMarshalNamingIt() {
        Instructions program = Instructions.of(List.of(
                Instruction.of(0x05, R0, R0, 0, 0).withReference("nowhere"),
                Instruction.of(0x95, R0, R0, 0, 0)));

        assertThatThrownBy(() -> program.marshal(ByteOrder.LITTLE_ENDIAN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jump at slot 0")
                .hasMessageContaining("unknown label 'nowhere'");
    }

    @Test
    void bpfToBpfCallsGetTheDistanceToTheirCallee() {
        Instructions program = Instructions.builder()
                .function("helper")
                .mov64(R0, 1) //                     slot 0
                .exit() //                           slot 1
                .function("main")
                .callFunction("later") //            slot 2: 6 - 3
                .loadImm64(R1, 0) //                 slots 3-4
                .callFunction("helper") //           slot 5: 0 - 6
                .function("later")
                .exit() //                           slot 6
                .build();

        Instructions decoded = roundTrip(program, ByteOrder.LITTLE_ENDIAN);

        assertThat(decoded.get(2).constant()).isEqualTo(3);
        assertThat(decoded.get(4).constant()).isEqualTo(-6);
        assertThat(decoded.get(4).isBpfToBpfCall()).isTrue();
    }

    @Test
    void callsToFunctionsElsewhereAreLeftForTheLoader() {
        Instructions program = Instructions.builder().callFunction("elsewhere").exit().build();

        Instruction call = roundTrip(program, ByteOrder.LITTLE_ENDIAN).get(0);

        assertThat(call.isBpfToBpfCall()).isTrue();
        assertThat(call.constant()).isEqualTo(-1);
    }

    @Test
    void functionReferencesKeepTheDistanceInTheLowHalf() {
        Instructions program = Instructions.builder()
                .function("callback")
                .mov64(R0, 0) //                              slot 0
                .exit() //                                    slot 1
                .function("main")
                .loadFunctionReference(R2, "callback") //    slots 2-3: 0 - 3
                .exit()
                .build();

        byte[] load = Arrays.copyOfRange(program.marshal(ByteOrder.LITTLE_ENDIAN), 16, 32);

        // UAPI: src_reg PSEUDO_FUNC (4), imm of the first slot the distance, imm of the second slot zero.
        assertThat(HEX.formatHex(load)).isEqualTo("18 42 00 00 fd ff ff ff 00 00 00 00 00 00 00 00");
    }

    @Test
    void mapAndKfuncReferencesAreLeftForTheLoader() {
        Instructions program = Instructions.builder()
                .loadMapReference(R1, "counts")
                .loadMapValueReference(R2, ".rodata", 8)
                .callKfunc("bpf_task_acquire")
                .exit()
                .build();

        assertThat(HEX.formatHex(program.marshal(ByteOrder.LITTLE_ENDIAN))).isEqualTo(String.join(" ",
                "18 11 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
                "18 22 00 00 00 00 00 00 00 00 00 00 08 00 00 00",
                "85 20 00 00 ff ff ff ff",
                "95 00 00 00 00 00 00 00"));
    }

    @Test
    void marshalLeavesTheListUnchanged() {
        Instructions program = Instructions.builder().ja("end").mov64(R0, 0).label("end").exit().build();

        program.marshal(ByteOrder.LITTLE_ENDIAN);

        assertThat(program.get(0).offset()).isZero();
        assertThat(program.get(0).reference()).isEqualTo("end");
    }

    @Test
    void functionOffsetsCountSlots() {
        Instructions program = Instructions.builder()
                .function("main")
                .loadImm64(R1, 1)
                .callFunction("helper")
                .label("not_a_function")
                .exit()
                .function("helper")
                .exit()
                .build();

        assertThat(program.functionOffsets()).containsExactly(entry("main", 0), entry("helper", 4));
        assertThat(program.slotOffset(3)).isEqualTo(4);
        assertThat(program.slotCount()).isEqualTo(5);
        assertThat(program.size()).isEqualTo(4);
    }

    @Test
    void namesMustBeUnique() {
        assertThatThrownBy(() -> Instructions.builder().label("x").exit().label("x").exit().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'x' is defined twice, at instructions 0 and 1");
        assertThatThrownBy(() -> Instructions.builder().function("f").exit().label("f").exit().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'f' is defined twice");
    }

    @Test
    void namesMustBeFollowedByOneInstruction() {
        assertThatThrownBy(() -> Instructions.builder().exit().label("end").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'end'");
        assertThatThrownBy(() -> Instructions.builder().label("a").label("b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a' and 'b'");
        assertThatThrownBy(() -> Instructions.builder().function("f").function("g"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'f' and 'g'");
    }

    private static void movs(Builder builder, int count) {
        for (int i = 0; i < count; i++) {
            builder.mov64(R0, 0);
        }
    }

    private static Instructions roundTrip(Instructions program, ByteOrder order) {
        byte[] bytes = program.marshal(order);
        return Instructions.unmarshal(bytes, 0, bytes.length, order);
    }
}
