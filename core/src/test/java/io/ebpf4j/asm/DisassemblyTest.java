package io.ebpf4j.asm;

import static io.ebpf4j.asm.Register.R0;
import static io.ebpf4j.asm.Register.R1;
import static io.ebpf4j.asm.Register.R10;
import static io.ebpf4j.asm.Register.R2;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Disassembly in the kernel verifier's syntax; references are printed by name where the kernel prints the value
 * they resolve to. Single instructions without references are covered row by row in {@link EncodingTest}.
 */
class DisassemblyTest {

    @Test
    void programListingShowsFunctionsLabelsAndSourceLines() {
        List<Instruction> instructions = new ArrayList<>(Instructions.builder()
                .function("count")
                .storeImm(Size.W, R10, -4, 0)
                .mov64(R2, R10)
                .add64(R2, -4)
                .loadMapReference(R1, "counts")
                .call(Helper.MAP_LOOKUP_ELEM)
                .jumpIf(JumpOp.JEQ, R0, 0, "miss")
                .mov64(R1, 1)
                .atomicAdd(Size.DW, R0, 0, R1)
                .callFunction("log")
                .label("miss")
                .mov64(R0, 0)
                .exit()
                .function("log")
                .exit()
                .build()
                .asList());
        instructions.set(0, instructions.get(0).withSource("\tu32 key = 0;"));
        instructions.set(4, instructions.get(4).withSource("\tu64 *v = bpf_map_lookup_elem(&counts, &key);"));

        assertThat(Instructions.of(instructions)).hasToString(
                "count:\n"
                        + "  ; u32 key = 0;\n"
                        + "   0: *(u32 *)(r10 -4) = 0\n"
                        + "   1: r2 = r10\n"
                        + "   2: r2 += -4\n"
                        + "   3: r1 = map[counts]\n"
                        + "  ; u64 *v = bpf_map_lookup_elem(&counts, &key);\n"
                        + "   5: call bpf_map_lookup_elem#1\n"
                        + "   6: if r0 == 0x0 goto miss\n"
                        + "   7: r1 = 1\n"
                        + "   8: lock *(u64 *)(r0 +0) += r1\n"
                        + "   9: call log\n"
                        + "miss:\n"
                        + "  10: r0 = 0\n"
                        + "  11: exit\n"
                        + "log:\n"
                        + "  12: exit\n");
    }

    @Test
    void referencesReplaceTheOperandsTheyStandFor() {
        Instructions program = Instructions.builder()
                .label("top")
                .loadMapValueReference(R1, ".rodata", 8)
                .loadFunctionReference(R2, "callback")
                .callKfunc("bpf_task_acquire")
                .append(JumpOp.JSLT.reg32(R1, R2, "top"))
                .gotol("top")
                .mayGoto("top")
                .exit()
                .build();

        assertThat(program.asList()).extracting(Instruction::toString).containsExactly(
                "r1 = map[.rodata][0]+8",
                "r2 = subprog[callback]",
                "call bpf_task_acquire#-1",
                "if w1 s< w2 goto top",
                "gotol top",
                "may_goto top",
                "exit");
    }

    @Test
    void plainImmediateLoadShowsAnUnusualReferenceAfterTheValue() {
        Instruction load = Instruction.of(0x18, R1, R0, 0, 0).withReference("bpf_prog_active");

        assertThat(load).hasToString("r1 = 0x0 <bpf_prog_active>");
    }

    @Test
    void unknownHelpersAndOpcodesAreShownRaw() {
        assertThat(Instruction.of(0x85, R0, R0, 0, 999)).hasToString("call unknown#999");
        assertThat(Instruction.of(0xe7, R1, R2, 3, 4))
                .hasToString("unknown opcode 0xe7 (dst r1, src r2, off 3, imm 4)");
        assertThat(Instruction.of(0xdb, R1, R2, 0, 0x02))
                .hasToString("unknown opcode 0xdb (dst r1, src r2, off 0, imm 2)");
        assertThat(Instruction.of(0xe5, R0, R1, 2, 0))
                .hasToString("unknown opcode 0xe5 (dst r0, src r1, off 2, imm 0)");
    }

    @Test
    void emptyListPrintsNothing() {
        assertThat(Instructions.of(List.of())).hasToString("");
    }
}
