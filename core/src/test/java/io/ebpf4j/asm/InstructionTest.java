package io.ebpf4j.asm;

import static io.ebpf4j.asm.Register.R0;
import static io.ebpf4j.asm.Register.R1;
import static io.ebpf4j.asm.Register.R2;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class InstructionTest {

    @Test
    void classifiesCalls() {
        Instruction helper = first(b -> b.call(Helper.KTIME_GET_NS));
        Instruction bpfToBpf = first(b -> b.callFunction("f"));
        Instruction kfunc = first(b -> b.callKfunc("bpf_task_acquire"));

        assertThat(helper.isCall()).isTrue();
        assertThat(helper.isHelperCall()).isTrue();
        assertThat(bpfToBpf.isBpfToBpfCall()).isTrue();
        assertThat(bpfToBpf.isHelperCall()).isFalse();
        assertThat(kfunc.isKfuncCall()).isTrue();
        assertThat(kfunc.isBpfToBpfCall()).isFalse();
        assertThat(helper.isJump()).isFalse();
        assertThat(first(b -> b.mov64(R0, 0)).isCall()).isFalse();
    }

    @Test
    void classifiesJumpsAndExit() {
        assertThat(first(b -> b.ja("x").label("x").exit()).isJump()).isTrue();
        assertThat(first(b -> b.gotol("x").label("x").exit()).isJump()).isTrue();
        assertThat(first(b -> b.mayGoto("x").label("x").exit()).isJump()).isTrue();
        assertThat(first(b -> b.append(JumpOp.JSET.imm32(R1, 1, "x")).label("x").exit()).isJump()).isTrue();
        assertThat(first(b -> b.exit()).isJump()).isFalse();
        assertThat(first(b -> b.exit()).isExit()).isTrue();
        assertThat(first(b -> b.mov64(R0, 0)).isJump()).isFalse();
    }

    @Test
    void classifiesImmediateLoads() {
        Instruction plain = first(b -> b.loadImm64(R1, 5));
        Instruction mapFd = first(b -> b.loadMapFd(R1, 3));
        Instruction mapValue = first(b -> b.loadMapValueReference(R1, ".data", 0));
        Instruction function = first(b -> b.loadFunctionReference(R1, "cb"));

        assertThat(plain.isLoadImm64()).isTrue();
        assertThat(plain.slots()).isEqualTo(2);
        assertThat(plain.isLoadFromMap()).isFalse();
        assertThat(mapFd.isLoadFromMap()).isTrue();
        assertThat(mapValue.isLoadFromMap()).isTrue();
        assertThat(Instruction.of(0x18, R1, Register.of(Instruction.PSEUDO_MAP_IDX), 0, 0).isLoadFromMap()).isTrue();
        assertThat(Instruction.of(0x18, R1, Register.of(Instruction.PSEUDO_MAP_IDX_VALUE), 0, 0).isLoadFromMap())
                .isTrue();
        assertThat(Instruction.of(0x18, R1, Register.of(Instruction.PSEUDO_BTF_ID), 0, 0).isLoadFromMap()).isFalse();
        assertThat(function.isFunctionReference()).isTrue();
        assertThat(function.isLoadFromMap()).isFalse();
        assertThat(first(b -> b.mov64(R0, 0)).slots()).isEqualTo(1);
    }

    @Test
    void mapValueConstantHoldsFdLowAndOffsetHigh() {
        Instruction load = first(b -> b.loadMapValue(R1, 7, 24));

        assertThat(load.src().number()).isEqualTo(Instruction.PSEUDO_MAP_VALUE);
        assertThat(load.constant()).isEqualTo(24L << 32 | 7);
    }

    @Test
    void withersCopyAndLeaveTheOriginalAlone() {
        Instruction original = Instruction.of(0x61, R1, R2, -4, 0);

        Instruction changed = original.withSymbol("f").withReference("r").withSource("line").withLabel("l")
                .withConstant(9).withOffset((short) 8).withSrc(R0).withDst(R2).withOpCode(0x79);

        assertThat(original).isEqualTo(Instruction.of(0x61, R1, R2, -4, 0));
        assertThat(changed.opCode()).isEqualTo(0x79);
        assertThat(changed.dst()).isEqualTo(R2);
        assertThat(changed.src()).isEqualTo(R0);
        assertThat(changed.offset()).isEqualTo((short) 8);
        assertThat(changed.constant()).isEqualTo(9);
        assertThat(changed.symbol()).isEqualTo("f");
        assertThat(changed.label()).isEqualTo("l");
        assertThat(changed.reference()).isEqualTo("r");
        assertThat(changed.source()).isEqualTo("line");
    }

    @Test
    void equalityCoversFieldsAndMetadata() {
        Instruction insn = Instruction.of(0xb7, R0, R0, 0, 1);

        assertThat(insn).isEqualTo(Instruction.of(0xb7, R0, R0, 0, 1));
        assertThat(insn).hasSameHashCodeAs(Instruction.of(0xb7, R0, R0, 0, 1));
        assertThat(insn).isNotEqualTo(insn.withConstant(2));
        assertThat(insn).isNotEqualTo(insn.withSource("return 1;"));
    }

    @Test
    void registersAndSizes() {
        assertThat(Register.of(10)).isEqualTo(Register.R10);
        assertThat(Register.R7.number()).isEqualTo(7);
        assertThat(Size.B.bytes()).isEqualTo(1);
        assertThat(Size.H.bytes()).isEqualTo(2);
        assertThat(Size.W.bytes()).isEqualTo(4);
        assertThat(Size.DW.bytes()).isEqualTo(8);
    }

    private static Instruction first(Consumer<Instructions.Builder> emit) {
        Instructions.Builder builder = Instructions.builder();
        emit.accept(builder);
        return builder.build().get(0);
    }
}
