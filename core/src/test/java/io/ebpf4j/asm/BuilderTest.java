package io.ebpf4j.asm;

import static io.ebpf4j.asm.Register.R0;
import static io.ebpf4j.asm.Register.R1;
import static io.ebpf4j.asm.Register.R10;
import static io.ebpf4j.asm.Register.R2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class BuilderTest {

    @Test
    void writesARealProgramByHand() {
        int mapFd = 5;
        Instructions program = Instructions.builder()
                .mov64(R0, 0)
                .storeImm(Size.W, R10, -4, 0)
                .mov64(R2, R10)
                .add64(R2, -4)
                .loadMapFd(R1, mapFd)
                .call(Helper.MAP_LOOKUP_ELEM)
                .jumpIf(JumpOp.JEQ, R0, 0, "miss")
                .mov64(R1, 1)
                .atomicAdd(Size.DW, R0, 0, R1)
                .label("miss")
                .exit()
                .build();

        assertThat(program.size()).isEqualTo(10);
        assertThat(program.slotCount()).isEqualTo(11);
        assertThat(program).hasToString(
                "   0: r0 = 0\n"
                        + "   1: *(u32 *)(r10 -4) = 0\n"
                        + "   2: r2 = r10\n"
                        + "   3: r2 += -4\n"
                        + "   4: r1 = map[fd:5]\n"
                        + "   6: call bpf_map_lookup_elem#1\n"
                        + "   7: if r0 == 0x0 goto miss\n"
                        + "   8: r1 = 1\n"
                        + "   9: lock *(u64 *)(r0 +0) += r1\n"
                        + "miss:\n"
                        + "  10: exit\n");
        byte[] bytes = program.marshal(ByteOrder.LITTLE_ENDIAN);
        assertThat(Instructions.unmarshal(bytes, 0, bytes.length, ByteOrder.LITTLE_ENDIAN).get(6).offset())
                .isEqualTo((short) 2);
    }

    @Test
    void appendsInstructionsAndOtherLists() {
        Instructions helper = Instructions.builder().function("helper").mov64(R0, 1).exit().build();

        Instructions program = Instructions.builder()
                .callFunction("helper")
                .exit()
                .append(helper)
                .label("after")
                .append(Instruction.of(0x95, R0, R0, 0, 0))
                .build();

        assertThat(program.functionOffsets()).containsOnlyKeys("helper");
        assertThat(program.get(4).label()).isEqualTo("after");
    }

    @Test
    void rejectsNamingAnInstructionThatAlreadyHasAName() {
        Instruction named = Instruction.of(0x95, R0, R0, 0, 0).withLabel("a");

        assertThatThrownBy(() -> Instructions.builder().label("b").append(named))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already has label 'a'");
    }

    @Test
    void rejectsOperandsTheEncodingCannotHold() {
        assertThatThrownBy(() -> Instructions.builder().store(Size.W, R10, 40_000, R1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset 40000");
        assertThatThrownBy(() -> Instructions.builder().movsx64(R1, R2, 12))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12 bits");
        assertThatThrownBy(() -> Instructions.builder().movsx32(R1, R2, 32))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32-bit (8 or 16)");
        assertThatThrownBy(() -> Instructions.builder().byteSwap(R1, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not 8");
        assertThatThrownBy(() -> Instructions.builder().loadSignExtend(Size.DW, R1, R2, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not DW");
        assertThatThrownBy(() -> Instructions.builder().loadAbsolute(Size.DW, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not DW");
        assertThatThrownBy(() -> Instructions.builder().atomicAdd(Size.B, R1, 0, R2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("atomic add works on W or DW, not B");
    }

    @Test
    void loadAcquireAndStoreReleaseTakeEverySize() {
        Instructions.Builder builder = Instructions.builder();
        for (Size size : Size.values()) {
            builder.loadAcquire(size, R1, R2, 0).storeRelease(size, R1, 0, R2);
        }

        assertThat(builder.build().size()).isEqualTo(8);
    }
}
