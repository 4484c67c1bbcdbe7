package io.ebpf4j.asm;

import static io.ebpf4j.asm.Register.R0;
import static io.ebpf4j.asm.Register.R1;
import static io.ebpf4j.asm.Register.R10;
import static io.ebpf4j.asm.Register.R2;
import static io.ebpf4j.asm.Register.R3;
import static io.ebpf4j.asm.Register.R7;
import static org.assertj.core.api.Assertions.assertThat;

import io.ebpf4j.asm.Instructions.Builder;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row: an instruction built with the DSL, its encoding in both byte orders, and its disassembly.
 *
 * <p>The expected bytes are not produced by this library: rows whose first column is assembly text were assembled by
 * LLVM 22 ({@code llvm-mc -triple bpfel|bpfeb -mcpu=v4 -show-encoding}); rows marked "clang" come from objects
 * compiled by clang 14; rows marked "UAPI" were derived by hand from {@code linux/bpf.h} (pseudo sources of
 * {@code ld_imm64} and {@code call}, which no assembler writes). The disassembly column is the kernel verifier's
 * syntax ({@code kernel/bpf/disasm.c}, {@code bpftool}'s {@code print_imm}), written by hand.
 */
class EncodingTest {
    private static final String TARGET = "target";
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    @ParameterizedTest(name = "{0}")
    @MethodSource({"aluAndConditionalJumps", "otherInstructions"})
    void marshalsLittleEndian(String asm, Instruction insn, String littleEndian, String bigEndian, String kernel) {
        assertThat(HEX.formatHex(Instructions.of(List.of(insn)).marshal(ByteOrder.LITTLE_ENDIAN)))
                .isEqualTo(littleEndian);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"aluAndConditionalJumps", "otherInstructions"})
    void marshalsBigEndian(String asm, Instruction insn, String littleEndian, String bigEndian, String kernel) {
        assertThat(HEX.formatHex(Instructions.of(List.of(insn)).marshal(ByteOrder.BIG_ENDIAN)))
                .isEqualTo(bigEndian);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"aluAndConditionalJumps", "otherInstructions"})
    void unmarshalsBothByteOrders(String asm, Instruction insn, String littleEndian, String bigEndian,
            String kernel) {
        byte[] little = HEX.parseHex(littleEndian);
        byte[] big = HEX.parseHex(bigEndian);
        assertThat(Instructions.unmarshal(little, 0, little.length, ByteOrder.LITTLE_ENDIAN).asList())
                .containsExactly(insn);
        assertThat(Instructions.unmarshal(big, 0, big.length, ByteOrder.BIG_ENDIAN).asList())
                .containsExactly(insn);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"aluAndConditionalJumps", "otherInstructions"})
    void disassemblesLikeTheKernel(String asm, Instruction insn, String littleEndian, String bigEndian,
            String kernel) {
        assertThat(insn).hasToString(kernel);
    }

    /** Every ALU operation in both widths and both source forms, every comparison likewise (llvm-mc). */
    static Stream<Arguments> aluAndConditionalJumps() {
        return Stream.of(
                row("r1 += 5", AluOp.ADD.imm(R1, 5),
                        "07 01 00 00 05 00 00 00", "07 10 00 00 00 00 00 05", "r1 += 5"),
                row("r1 += r2", AluOp.ADD.reg(R1, R2),
                        "0f 21 00 00 00 00 00 00", "0f 12 00 00 00 00 00 00", "r1 += r2"),
                row("w1 += 5", AluOp.ADD.imm32(R1, 5),
                        "04 01 00 00 05 00 00 00", "04 10 00 00 00 00 00 05", "w1 += 5"),
                row("w1 += w2", AluOp.ADD.reg32(R1, R2),
                        "0c 21 00 00 00 00 00 00", "0c 12 00 00 00 00 00 00", "w1 += w2"),
                row("r1 -= 5", AluOp.SUB.imm(R1, 5),
                        "17 01 00 00 05 00 00 00", "17 10 00 00 00 00 00 05", "r1 -= 5"),
                row("r1 -= r2", AluOp.SUB.reg(R1, R2),
                        "1f 21 00 00 00 00 00 00", "1f 12 00 00 00 00 00 00", "r1 -= r2"),
                row("w1 -= 5", AluOp.SUB.imm32(R1, 5),
                        "14 01 00 00 05 00 00 00", "14 10 00 00 00 00 00 05", "w1 -= 5"),
                row("w1 -= w2", AluOp.SUB.reg32(R1, R2),
                        "1c 21 00 00 00 00 00 00", "1c 12 00 00 00 00 00 00", "w1 -= w2"),
                row("r1 *= 5", AluOp.MUL.imm(R1, 5),
                        "27 01 00 00 05 00 00 00", "27 10 00 00 00 00 00 05", "r1 *= 5"),
                row("r1 *= r2", AluOp.MUL.reg(R1, R2),
                        "2f 21 00 00 00 00 00 00", "2f 12 00 00 00 00 00 00", "r1 *= r2"),
                row("w1 *= 5", AluOp.MUL.imm32(R1, 5),
                        "24 01 00 00 05 00 00 00", "24 10 00 00 00 00 00 05", "w1 *= 5"),
                row("w1 *= w2", AluOp.MUL.reg32(R1, R2),
                        "2c 21 00 00 00 00 00 00", "2c 12 00 00 00 00 00 00", "w1 *= w2"),
                row("r1 /= 5", AluOp.DIV.imm(R1, 5),
                        "37 01 00 00 05 00 00 00", "37 10 00 00 00 00 00 05", "r1 /= 5"),
                row("r1 /= r2", AluOp.DIV.reg(R1, R2),
                        "3f 21 00 00 00 00 00 00", "3f 12 00 00 00 00 00 00", "r1 /= r2"),
                row("w1 /= 5", AluOp.DIV.imm32(R1, 5),
                        "34 01 00 00 05 00 00 00", "34 10 00 00 00 00 00 05", "w1 /= 5"),
                row("w1 /= w2", AluOp.DIV.reg32(R1, R2),
                        "3c 21 00 00 00 00 00 00", "3c 12 00 00 00 00 00 00", "w1 /= w2"),
                row("r1 s/= 5", AluOp.SDIV.imm(R1, 5),
                        "37 01 01 00 05 00 00 00", "37 10 00 01 00 00 00 05", "r1 s/= 5"),
                row("r1 s/= r2", AluOp.SDIV.reg(R1, R2),
                        "3f 21 01 00 00 00 00 00", "3f 12 00 01 00 00 00 00", "r1 s/= r2"),
                row("w1 s/= 5", AluOp.SDIV.imm32(R1, 5),
                        "34 01 01 00 05 00 00 00", "34 10 00 01 00 00 00 05", "w1 s/= 5"),
                row("w1 s/= w2", AluOp.SDIV.reg32(R1, R2),
                        "3c 21 01 00 00 00 00 00", "3c 12 00 01 00 00 00 00", "w1 s/= w2"),
                row("r1 %= 5", AluOp.MOD.imm(R1, 5),
                        "97 01 00 00 05 00 00 00", "97 10 00 00 00 00 00 05", "r1 %= 5"),
                row("r1 %= r2", AluOp.MOD.reg(R1, R2),
                        "9f 21 00 00 00 00 00 00", "9f 12 00 00 00 00 00 00", "r1 %= r2"),
                row("w1 %= 5", AluOp.MOD.imm32(R1, 5),
                        "94 01 00 00 05 00 00 00", "94 10 00 00 00 00 00 05", "w1 %= 5"),
                row("w1 %= w2", AluOp.MOD.reg32(R1, R2),
                        "9c 21 00 00 00 00 00 00", "9c 12 00 00 00 00 00 00", "w1 %= w2"),
                row("r1 s%= 5", AluOp.SMOD.imm(R1, 5),
                        "97 01 01 00 05 00 00 00", "97 10 00 01 00 00 00 05", "r1 s%= 5"),
                row("r1 s%= r2", AluOp.SMOD.reg(R1, R2),
                        "9f 21 01 00 00 00 00 00", "9f 12 00 01 00 00 00 00", "r1 s%= r2"),
                row("w1 s%= 5", AluOp.SMOD.imm32(R1, 5),
                        "94 01 01 00 05 00 00 00", "94 10 00 01 00 00 00 05", "w1 s%= 5"),
                row("w1 s%= w2", AluOp.SMOD.reg32(R1, R2),
                        "9c 21 01 00 00 00 00 00", "9c 12 00 01 00 00 00 00", "w1 s%= w2"),
                row("r1 |= 5", AluOp.OR.imm(R1, 5),
                        "47 01 00 00 05 00 00 00", "47 10 00 00 00 00 00 05", "r1 |= 5"),
                row("r1 |= r2", AluOp.OR.reg(R1, R2),
                        "4f 21 00 00 00 00 00 00", "4f 12 00 00 00 00 00 00", "r1 |= r2"),
                row("w1 |= 5", AluOp.OR.imm32(R1, 5),
                        "44 01 00 00 05 00 00 00", "44 10 00 00 00 00 00 05", "w1 |= 5"),
                row("w1 |= w2", AluOp.OR.reg32(R1, R2),
                        "4c 21 00 00 00 00 00 00", "4c 12 00 00 00 00 00 00", "w1 |= w2"),
                row("r1 &= 5", AluOp.AND.imm(R1, 5),
                        "57 01 00 00 05 00 00 00", "57 10 00 00 00 00 00 05", "r1 &= 5"),
                row("r1 &= r2", AluOp.AND.reg(R1, R2),
                        "5f 21 00 00 00 00 00 00", "5f 12 00 00 00 00 00 00", "r1 &= r2"),
                row("w1 &= 5", AluOp.AND.imm32(R1, 5),
                        "54 01 00 00 05 00 00 00", "54 10 00 00 00 00 00 05", "w1 &= 5"),
                row("w1 &= w2", AluOp.AND.reg32(R1, R2),
                        "5c 21 00 00 00 00 00 00", "5c 12 00 00 00 00 00 00", "w1 &= w2"),
                row("r1 ^= 5", AluOp.XOR.imm(R1, 5),
                        "a7 01 00 00 05 00 00 00", "a7 10 00 00 00 00 00 05", "r1 ^= 5"),
                row("r1 ^= r2", AluOp.XOR.reg(R1, R2),
                        "af 21 00 00 00 00 00 00", "af 12 00 00 00 00 00 00", "r1 ^= r2"),
                row("w1 ^= 5", AluOp.XOR.imm32(R1, 5),
                        "a4 01 00 00 05 00 00 00", "a4 10 00 00 00 00 00 05", "w1 ^= 5"),
                row("w1 ^= w2", AluOp.XOR.reg32(R1, R2),
                        "ac 21 00 00 00 00 00 00", "ac 12 00 00 00 00 00 00", "w1 ^= w2"),
                row("r1 <<= 5", AluOp.LSH.imm(R1, 5),
                        "67 01 00 00 05 00 00 00", "67 10 00 00 00 00 00 05", "r1 <<= 5"),
                row("r1 <<= r2", AluOp.LSH.reg(R1, R2),
                        "6f 21 00 00 00 00 00 00", "6f 12 00 00 00 00 00 00", "r1 <<= r2"),
                row("w1 <<= 5", AluOp.LSH.imm32(R1, 5),
                        "64 01 00 00 05 00 00 00", "64 10 00 00 00 00 00 05", "w1 <<= 5"),
                row("w1 <<= w2", AluOp.LSH.reg32(R1, R2),
                        "6c 21 00 00 00 00 00 00", "6c 12 00 00 00 00 00 00", "w1 <<= w2"),
                row("r1 >>= 5", AluOp.RSH.imm(R1, 5),
                        "77 01 00 00 05 00 00 00", "77 10 00 00 00 00 00 05", "r1 >>= 5"),
                row("r1 >>= r2", AluOp.RSH.reg(R1, R2),
                        "7f 21 00 00 00 00 00 00", "7f 12 00 00 00 00 00 00", "r1 >>= r2"),
                row("w1 >>= 5", AluOp.RSH.imm32(R1, 5),
                        "74 01 00 00 05 00 00 00", "74 10 00 00 00 00 00 05", "w1 >>= 5"),
                row("w1 >>= w2", AluOp.RSH.reg32(R1, R2),
                        "7c 21 00 00 00 00 00 00", "7c 12 00 00 00 00 00 00", "w1 >>= w2"),
                row("r1 s>>= 5", AluOp.ARSH.imm(R1, 5),
                        "c7 01 00 00 05 00 00 00", "c7 10 00 00 00 00 00 05", "r1 s>>= 5"),
                row("r1 s>>= r2", AluOp.ARSH.reg(R1, R2),
                        "cf 21 00 00 00 00 00 00", "cf 12 00 00 00 00 00 00", "r1 s>>= r2"),
                row("w1 s>>= 5", AluOp.ARSH.imm32(R1, 5),
                        "c4 01 00 00 05 00 00 00", "c4 10 00 00 00 00 00 05", "w1 s>>= 5"),
                row("w1 s>>= w2", AluOp.ARSH.reg32(R1, R2),
                        "cc 21 00 00 00 00 00 00", "cc 12 00 00 00 00 00 00", "w1 s>>= w2"),
                row("r1 = 5", AluOp.MOV.imm(R1, 5),
                        "b7 01 00 00 05 00 00 00", "b7 10 00 00 00 00 00 05", "r1 = 5"),
                row("r1 = r2", AluOp.MOV.reg(R1, R2),
                        "bf 21 00 00 00 00 00 00", "bf 12 00 00 00 00 00 00", "r1 = r2"),
                row("w1 = 5", AluOp.MOV.imm32(R1, 5),
                        "b4 01 00 00 05 00 00 00", "b4 10 00 00 00 00 00 05", "w1 = 5"),
                row("w1 = w2", AluOp.MOV.reg32(R1, R2),
                        "bc 21 00 00 00 00 00 00", "bc 12 00 00 00 00 00 00", "w1 = w2"),
                row("if r1 == -5 goto +2", jumpTo(JumpOp.JEQ.imm(R1, -5, TARGET)),
                        "15 01 02 00 fb ff ff ff", "15 10 00 02 ff ff ff fb", "if r1 == 0xfffffffb goto pc+2"),
                row("if r1 == r2 goto +2", jumpTo(JumpOp.JEQ.reg(R1, R2, TARGET)),
                        "1d 21 02 00 00 00 00 00", "1d 12 00 02 00 00 00 00", "if r1 == r2 goto pc+2"),
                row("if w1 == -5 goto +2", jumpTo(JumpOp.JEQ.imm32(R1, -5, TARGET)),
                        "16 01 02 00 fb ff ff ff", "16 10 00 02 ff ff ff fb", "if w1 == 0xfffffffb goto pc+2"),
                row("if w1 == w2 goto +2", jumpTo(JumpOp.JEQ.reg32(R1, R2, TARGET)),
                        "1e 21 02 00 00 00 00 00", "1e 12 00 02 00 00 00 00", "if w1 == w2 goto pc+2"),
                row("if r1 != -5 goto +2", jumpTo(JumpOp.JNE.imm(R1, -5, TARGET)),
                        "55 01 02 00 fb ff ff ff", "55 10 00 02 ff ff ff fb", "if r1 != 0xfffffffb goto pc+2"),
                row("if r1 != r2 goto +2", jumpTo(JumpOp.JNE.reg(R1, R2, TARGET)),
                        "5d 21 02 00 00 00 00 00", "5d 12 00 02 00 00 00 00", "if r1 != r2 goto pc+2"),
                row("if w1 != -5 goto +2", jumpTo(JumpOp.JNE.imm32(R1, -5, TARGET)),
                        "56 01 02 00 fb ff ff ff", "56 10 00 02 ff ff ff fb", "if w1 != 0xfffffffb goto pc+2"),
                row("if w1 != w2 goto +2", jumpTo(JumpOp.JNE.reg32(R1, R2, TARGET)),
                        "5e 21 02 00 00 00 00 00", "5e 12 00 02 00 00 00 00", "if w1 != w2 goto pc+2"),
                row("if r1 > -5 goto +2", jumpTo(JumpOp.JGT.imm(R1, -5, TARGET)),
                        "25 01 02 00 fb ff ff ff", "25 10 00 02 ff ff ff fb", "if r1 > 0xfffffffb goto pc+2"),
                row("if r1 > r2 goto +2", jumpTo(JumpOp.JGT.reg(R1, R2, TARGET)),
                        "2d 21 02 00 00 00 00 00", "2d 12 00 02 00 00 00 00", "if r1 > r2 goto pc+2"),
                row("if w1 > -5 goto +2", jumpTo(JumpOp.JGT.imm32(R1, -5, TARGET)),
                        "26 01 02 00 fb ff ff ff", "26 10 00 02 ff ff ff fb", "if w1 > 0xfffffffb goto pc+2"),
                row("if w1 > w2 goto +2", jumpTo(JumpOp.JGT.reg32(R1, R2, TARGET)),
                        "2e 21 02 00 00 00 00 00", "2e 12 00 02 00 00 00 00", "if w1 > w2 goto pc+2"),
                row("if r1 >= -5 goto +2", jumpTo(JumpOp.JGE.imm(R1, -5, TARGET)),
                        "35 01 02 00 fb ff ff ff", "35 10 00 02 ff ff ff fb", "if r1 >= 0xfffffffb goto pc+2"),
                row("if r1 >= r2 goto +2", jumpTo(JumpOp.JGE.reg(R1, R2, TARGET)),
                        "3d 21 02 00 00 00 00 00", "3d 12 00 02 00 00 00 00", "if r1 >= r2 goto pc+2"),
                row("if w1 >= -5 goto +2", jumpTo(JumpOp.JGE.imm32(R1, -5, TARGET)),
                        "36 01 02 00 fb ff ff ff", "36 10 00 02 ff ff ff fb", "if w1 >= 0xfffffffb goto pc+2"),
                row("if w1 >= w2 goto +2", jumpTo(JumpOp.JGE.reg32(R1, R2, TARGET)),
                        "3e 21 02 00 00 00 00 00", "3e 12 00 02 00 00 00 00", "if w1 >= w2 goto pc+2"),
                row("if r1 < -5 goto +2", jumpTo(JumpOp.JLT.imm(R1, -5, TARGET)),
                        "a5 01 02 00 fb ff ff ff", "a5 10 00 02 ff ff ff fb", "if r1 < 0xfffffffb goto pc+2"),
                row("if r1 < r2 goto +2", jumpTo(JumpOp.JLT.reg(R1, R2, TARGET)),
                        "ad 21 02 00 00 00 00 00", "ad 12 00 02 00 00 00 00", "if r1 < r2 goto pc+2"),
                row("if w1 < -5 goto +2", jumpTo(JumpOp.JLT.imm32(R1, -5, TARGET)),
                        "a6 01 02 00 fb ff ff ff", "a6 10 00 02 ff ff ff fb", "if w1 < 0xfffffffb goto pc+2"),
                row("if w1 < w2 goto +2", jumpTo(JumpOp.JLT.reg32(R1, R2, TARGET)),
                        "ae 21 02 00 00 00 00 00", "ae 12 00 02 00 00 00 00", "if w1 < w2 goto pc+2"),
                row("if r1 <= -5 goto +2", jumpTo(JumpOp.JLE.imm(R1, -5, TARGET)),
                        "b5 01 02 00 fb ff ff ff", "b5 10 00 02 ff ff ff fb", "if r1 <= 0xfffffffb goto pc+2"),
                row("if r1 <= r2 goto +2", jumpTo(JumpOp.JLE.reg(R1, R2, TARGET)),
                        "bd 21 02 00 00 00 00 00", "bd 12 00 02 00 00 00 00", "if r1 <= r2 goto pc+2"),
                row("if w1 <= -5 goto +2", jumpTo(JumpOp.JLE.imm32(R1, -5, TARGET)),
                        "b6 01 02 00 fb ff ff ff", "b6 10 00 02 ff ff ff fb", "if w1 <= 0xfffffffb goto pc+2"),
                row("if w1 <= w2 goto +2", jumpTo(JumpOp.JLE.reg32(R1, R2, TARGET)),
                        "be 21 02 00 00 00 00 00", "be 12 00 02 00 00 00 00", "if w1 <= w2 goto pc+2"),
                row("if r1 s> -5 goto +2", jumpTo(JumpOp.JSGT.imm(R1, -5, TARGET)),
                        "65 01 02 00 fb ff ff ff", "65 10 00 02 ff ff ff fb", "if r1 s> 0xfffffffb goto pc+2"),
                row("if r1 s> r2 goto +2", jumpTo(JumpOp.JSGT.reg(R1, R2, TARGET)),
                        "6d 21 02 00 00 00 00 00", "6d 12 00 02 00 00 00 00", "if r1 s> r2 goto pc+2"),
                row("if w1 s> -5 goto +2", jumpTo(JumpOp.JSGT.imm32(R1, -5, TARGET)),
                        "66 01 02 00 fb ff ff ff", "66 10 00 02 ff ff ff fb", "if w1 s> 0xfffffffb goto pc+2"),
                row("if w1 s> w2 goto +2", jumpTo(JumpOp.JSGT.reg32(R1, R2, TARGET)),
                        "6e 21 02 00 00 00 00 00", "6e 12 00 02 00 00 00 00", "if w1 s> w2 goto pc+2"),
                row("if r1 s>= -5 goto +2", jumpTo(JumpOp.JSGE.imm(R1, -5, TARGET)),
                        "75 01 02 00 fb ff ff ff", "75 10 00 02 ff ff ff fb", "if r1 s>= 0xfffffffb goto pc+2"),
                row("if r1 s>= r2 goto +2", jumpTo(JumpOp.JSGE.reg(R1, R2, TARGET)),
                        "7d 21 02 00 00 00 00 00", "7d 12 00 02 00 00 00 00", "if r1 s>= r2 goto pc+2"),
                row("if w1 s>= -5 goto +2", jumpTo(JumpOp.JSGE.imm32(R1, -5, TARGET)),
                        "76 01 02 00 fb ff ff ff", "76 10 00 02 ff ff ff fb", "if w1 s>= 0xfffffffb goto pc+2"),
                row("if w1 s>= w2 goto +2", jumpTo(JumpOp.JSGE.reg32(R1, R2, TARGET)),
                        "7e 21 02 00 00 00 00 00", "7e 12 00 02 00 00 00 00", "if w1 s>= w2 goto pc+2"),
                row("if r1 s< -5 goto +2", jumpTo(JumpOp.JSLT.imm(R1, -5, TARGET)),
                        "c5 01 02 00 fb ff ff ff", "c5 10 00 02 ff ff ff fb", "if r1 s< 0xfffffffb goto pc+2"),
                row("if r1 s< r2 goto +2", jumpTo(JumpOp.JSLT.reg(R1, R2, TARGET)),
                        "cd 21 02 00 00 00 00 00", "cd 12 00 02 00 00 00 00", "if r1 s< r2 goto pc+2"),
                row("if w1 s< -5 goto +2", jumpTo(JumpOp.JSLT.imm32(R1, -5, TARGET)),
                        "c6 01 02 00 fb ff ff ff", "c6 10 00 02 ff ff ff fb", "if w1 s< 0xfffffffb goto pc+2"),
                row("if w1 s< w2 goto +2", jumpTo(JumpOp.JSLT.reg32(R1, R2, TARGET)),
                        "ce 21 02 00 00 00 00 00", "ce 12 00 02 00 00 00 00", "if w1 s< w2 goto pc+2"),
                row("if r1 s<= -5 goto +2", jumpTo(JumpOp.JSLE.imm(R1, -5, TARGET)),
                        "d5 01 02 00 fb ff ff ff", "d5 10 00 02 ff ff ff fb", "if r1 s<= 0xfffffffb goto pc+2"),
                row("if r1 s<= r2 goto +2", jumpTo(JumpOp.JSLE.reg(R1, R2, TARGET)),
                        "dd 21 02 00 00 00 00 00", "dd 12 00 02 00 00 00 00", "if r1 s<= r2 goto pc+2"),
                row("if w1 s<= -5 goto +2", jumpTo(JumpOp.JSLE.imm32(R1, -5, TARGET)),
                        "d6 01 02 00 fb ff ff ff", "d6 10 00 02 ff ff ff fb", "if w1 s<= 0xfffffffb goto pc+2"),
                row("if w1 s<= w2 goto +2", jumpTo(JumpOp.JSLE.reg32(R1, R2, TARGET)),
                        "de 21 02 00 00 00 00 00", "de 12 00 02 00 00 00 00", "if w1 s<= w2 goto pc+2"),
                row("if r1 & -5 goto +2", jumpTo(JumpOp.JSET.imm(R1, -5, TARGET)),
                        "45 01 02 00 fb ff ff ff", "45 10 00 02 ff ff ff fb", "if r1 & 0xfffffffb goto pc+2"),
                row("if r1 & r2 goto +2", jumpTo(JumpOp.JSET.reg(R1, R2, TARGET)),
                        "4d 21 02 00 00 00 00 00", "4d 12 00 02 00 00 00 00", "if r1 & r2 goto pc+2"),
                row("if w1 & -5 goto +2", jumpTo(JumpOp.JSET.imm32(R1, -5, TARGET)),
                        "46 01 02 00 fb ff ff ff", "46 10 00 02 ff ff ff fb", "if w1 & 0xfffffffb goto pc+2"),
                row("if w1 & w2 goto +2", jumpTo(JumpOp.JSET.reg32(R1, R2, TARGET)),
                        "4e 21 02 00 00 00 00 00", "4e 12 00 02 00 00 00 00", "if w1 & w2 goto pc+2"));
    }

    static Stream<Arguments> otherInstructions() {
        return Stream.of(
                // ALU forms outside the matrix (llvm-mc)
                row("r0 = -1", single(b -> b.mov64(R0, -1)),
                        "b7 00 00 00 ff ff ff ff", "b7 00 00 00 ff ff ff ff", "r0 = -1"),
                row("w1 -= -7", AluOp.SUB.imm32(R1, -7),
                        "14 01 00 00 f9 ff ff ff", "14 10 00 00 ff ff ff f9", "w1 -= -7"),
                row("r3 s/= -2", AluOp.SDIV.imm(R3, -2),
                        "37 03 01 00 fe ff ff ff", "37 30 00 01 ff ff ff fe", "r3 s/= -2"),
                row("r7 = -r7", single(b -> b.neg64(R7)),
                        "87 07 00 00 00 00 00 00", "87 70 00 00 00 00 00 00", "r7 = -r7"),
                row("w7 = -w7", single(b -> b.neg32(R7)),
                        "84 07 00 00 00 00 00 00", "84 70 00 00 00 00 00 00", "w7 = -w7"),
                row("w0 = w9", AluOp.MOV.reg32(R0, Register.R9),
                        "bc 90 00 00 00 00 00 00", "bc 09 00 00 00 00 00 00", "w0 = w9"),
                row("r1 = (s8)r2", single(b -> b.movsx64(R1, R2, 8)),
                        "bf 21 08 00 00 00 00 00", "bf 12 00 08 00 00 00 00", "r1 = (s8)r2"),
                row("r1 = (s16)r2", single(b -> b.movsx64(R1, R2, 16)),
                        "bf 21 10 00 00 00 00 00", "bf 12 00 10 00 00 00 00", "r1 = (s16)r2"),
                row("r1 = (s32)r2", single(b -> b.movsx64(R1, R2, 32)),
                        "bf 21 20 00 00 00 00 00", "bf 12 00 20 00 00 00 00", "r1 = (s32)r2"),
                row("w1 = (s8)w2", single(b -> b.movsx32(R1, R2, 8)),
                        "bc 21 08 00 00 00 00 00", "bc 12 00 08 00 00 00 00", "w1 = (s8)w2"),
                row("w1 = (s16)w2", single(b -> b.movsx32(R1, R2, 16)),
                        "bc 21 10 00 00 00 00 00", "bc 12 00 10 00 00 00 00", "w1 = (s16)w2"),
                row("r1 = addr_space_cast(r2, 0, 1)",
                        Instruction.of(0xbf, R1, R2, 1, 1),
                        "bf 21 01 00 01 00 00 00", "bf 12 00 01 00 00 00 01", "r1 = addr_space_cast(r2, 0, 1)"),
                row("r1 = be16 r1", single(b -> b.toBigEndian(R1, 16)),
                        "dc 01 00 00 10 00 00 00", "dc 10 00 00 00 00 00 10", "r1 = be16 r1"),
                row("r1 = be32 r1", single(b -> b.toBigEndian(R1, 32)),
                        "dc 01 00 00 20 00 00 00", "dc 10 00 00 00 00 00 20", "r1 = be32 r1"),
                row("r1 = be64 r1", single(b -> b.toBigEndian(R1, 64)),
                        "dc 01 00 00 40 00 00 00", "dc 10 00 00 00 00 00 40", "r1 = be64 r1"),
                row("r1 = le16 r1", single(b -> b.toLittleEndian(R1, 16)),
                        "d4 01 00 00 10 00 00 00", "d4 10 00 00 00 00 00 10", "r1 = le16 r1"),
                row("r1 = bswap16 r1", single(b -> b.byteSwap(R1, 16)),
                        "d7 01 00 00 10 00 00 00", "d7 10 00 00 00 00 00 10", "r1 = bswap16 r1"),
                row("r1 = bswap32 r1", single(b -> b.byteSwap(R1, 32)),
                        "d7 01 00 00 20 00 00 00", "d7 10 00 00 00 00 00 20", "r1 = bswap32 r1"),
                row("r1 = bswap64 r1", single(b -> b.byteSwap(R1, 64)),
                        "d7 01 00 00 40 00 00 00", "d7 10 00 00 00 00 00 40", "r1 = bswap64 r1"),

                // unconditional jumps, calls, exit (llvm-mc, clang, UAPI)
                row("goto +3", jump(b -> b.ja(TARGET), 3),
                        "05 00 03 00 00 00 00 00", "05 00 00 03 00 00 00 00", "goto pc+3"),
                row("goto -1", jump(b -> b.ja(TARGET), -1),
                        "05 00 ff ff 00 00 00 00", "05 00 ff ff 00 00 00 00", "goto pc-1"),
                row("gotol +5", jump(b -> b.gotol(TARGET), 5),
                        "06 00 00 00 05 00 00 00", "06 00 00 00 00 00 00 05", "gotol pc+5"),
                row("gotol -7", jump(b -> b.gotol(TARGET), -7),
                        "06 00 00 00 f9 ff ff ff", "06 00 00 00 ff ff ff f9", "gotol pc-7"),
                row("may_goto +3", jump(b -> b.mayGoto(TARGET), 3),
                        "e5 00 03 00 00 00 00 00", "e5 00 00 03 00 00 00 00", "may_goto pc+3"),
                row("gotox r3", Instruction.of(0x0d, R3, R0, 0, 0),
                        "0d 03 00 00 00 00 00 00", "0d 30 00 00 00 00 00 00", "gotox r3"),
                row("call 1", single(b -> b.call(Helper.MAP_LOOKUP_ELEM)),
                        "85 00 00 00 01 00 00 00", "85 00 00 00 00 00 00 01", "call bpf_map_lookup_elem#1"),
                row("clang: call -1 (bpf-to-bpf, unresolved)", single(b -> b.callFunction("twice")).withReference(null),
                        "85 10 00 00 ff ff ff ff", "85 01 00 00 ff ff ff ff", "call pc-1"),
                row("UAPI: kfunc call, src_reg 2", single(b -> b.callKfunc("bpf_task_acquire")).withReference(null),
                        "85 20 00 00 ff ff ff ff", "85 02 00 00 ff ff ff ff", "call kernel-function#-1"),
                row("exit", single(Builder::exit),
                        "95 00 00 00 00 00 00 00", "95 00 00 00 00 00 00 00", "exit"),

                // 64-bit immediates (llvm-mc; pseudo sources from the UAPI)
                row("r1 = 0x1122334455667788 ll", single(b -> b.loadImm64(R1, 0x1122334455667788L)),
                        "18 01 00 00 88 77 66 55 00 00 00 00 44 33 22 11",
                        "18 10 00 00 55 66 77 88 00 00 00 00 11 22 33 44", "r1 = 0x1122334455667788"),
                row("UAPI: ld_imm64 PSEUDO_MAP_FD", single(b -> b.loadMapFd(R2, 3)),
                        "18 12 00 00 03 00 00 00 00 00 00 00 00 00 00 00",
                        "18 21 00 00 00 00 00 03 00 00 00 00 00 00 00 00", "r2 = map[fd:3]"),
                row("UAPI: ld_imm64 PSEUDO_MAP_VALUE", single(b -> b.loadMapValue(R3, 3, 16)),
                        "18 23 00 00 03 00 00 00 00 00 00 00 10 00 00 00",
                        "18 32 00 00 00 00 00 03 00 00 00 00 00 00 00 10", "r3 = map[fd:3][0]+16"),
                row("UAPI: ld_imm64 PSEUDO_BTF_ID", Instruction.of(0x18, R1, Register.R3, 0, 42),
                        "18 31 00 00 2a 00 00 00 00 00 00 00 00 00 00 00",
                        "18 13 00 00 00 00 00 2a 00 00 00 00 00 00 00 00", "r1 = btf_id[42]"),
                row("UAPI: ld_imm64 PSEUDO_FUNC", Instruction.of(0x18, R2, Register.R4, 0, 0xffff_ffd2L),
                        "18 42 00 00 d2 ff ff ff 00 00 00 00 00 00 00 00",
                        "18 24 00 00 ff ff ff d2 00 00 00 00 00 00 00 00", "r2 = subprog[-46]"),
                row("UAPI: ld_imm64 PSEUDO_MAP_IDX", Instruction.of(0x18, R1, Register.R5, 0, 2),
                        "18 51 00 00 02 00 00 00 00 00 00 00 00 00 00 00",
                        "18 15 00 00 00 00 00 02 00 00 00 00 00 00 00 00", "r1 = map[idx:2]"),
                row("UAPI: ld_imm64 PSEUDO_MAP_IDX_VALUE", Instruction.of(0x18, R1, Register.R6, 0, 4L << 32 | 2),
                        "18 61 00 00 02 00 00 00 00 00 00 00 04 00 00 00",
                        "18 16 00 00 00 00 00 02 00 00 00 00 00 00 00 04", "r1 = map[idx:2]+4"),

                // legacy packet access (llvm-mc)
                row("r0 = *(u8 *)skb[5]", single(b -> b.loadAbsolute(Size.B, 5)),
                        "30 00 00 00 05 00 00 00", "30 00 00 00 00 00 00 05", "r0 = *(u8 *)skb[5]"),
                row("r0 = *(u16 *)skb[r1]", single(b -> b.loadIndirect(Size.H, R1, 0)),
                        "48 10 00 00 00 00 00 00", "48 01 00 00 00 00 00 00", "r0 = *(u16 *)skb[r1 + 0]"),

                // loads and stores (llvm-mc)
                row("r1 = *(u8 *)(r2 + 3)", single(b -> b.load(Size.B, R1, R2, 3)),
                        "71 21 03 00 00 00 00 00", "71 12 00 03 00 00 00 00", "r1 = *(u8 *)(r2 +3)"),
                row("r1 = *(u16 *)(r2 + 3)", single(b -> b.load(Size.H, R1, R2, 3)),
                        "69 21 03 00 00 00 00 00", "69 12 00 03 00 00 00 00", "r1 = *(u16 *)(r2 +3)"),
                row("r1 = *(u32 *)(r2 - 3)", single(b -> b.load(Size.W, R1, R2, -3)),
                        "61 21 fd ff 00 00 00 00", "61 12 ff fd 00 00 00 00", "r1 = *(u32 *)(r2 -3)"),
                row("r1 = *(u64 *)(r2 + 32767)", single(b -> b.load(Size.DW, R1, R2, 32767)),
                        "79 21 ff 7f 00 00 00 00", "79 12 7f ff 00 00 00 00", "r1 = *(u64 *)(r2 +32767)"),
                row("r1 = *(s8 *)(r2 + 3)", single(b -> b.loadSignExtend(Size.B, R1, R2, 3)),
                        "91 21 03 00 00 00 00 00", "91 12 00 03 00 00 00 00", "r1 = *(s8 *)(r2 +3)"),
                row("r1 = *(s16 *)(r2 + 3)", single(b -> b.loadSignExtend(Size.H, R1, R2, 3)),
                        "89 21 03 00 00 00 00 00", "89 12 00 03 00 00 00 00", "r1 = *(s16 *)(r2 +3)"),
                row("r1 = *(s32 *)(r2 - 32768)", single(b -> b.loadSignExtend(Size.W, R1, R2, -32768)),
                        "81 21 00 80 00 00 00 00", "81 12 80 00 00 00 00 00", "r1 = *(s32 *)(r2 -32768)"),
                row("*(u8 *)(r10 - 1) = r1", single(b -> b.store(Size.B, R10, -1, R1)),
                        "73 1a ff ff 00 00 00 00", "73 a1 ff ff 00 00 00 00", "*(u8 *)(r10 -1) = r1"),
                row("*(u64 *)(r10 - 8) = r1", single(b -> b.store(Size.DW, R10, -8, R1)),
                        "7b 1a f8 ff 00 00 00 00", "7b a1 ff f8 00 00 00 00", "*(u64 *)(r10 -8) = r1"),
                row("*(u32 *)(r10 - 4) = 5", single(b -> b.storeImm(Size.W, R10, -4, 5)),
                        "62 0a fc ff 05 00 00 00", "62 a0 ff fc 00 00 00 05", "*(u32 *)(r10 -4) = 5"),
                row("*(u64 *)(r10 - 16) = -1", single(b -> b.storeImm(Size.DW, R10, -16, -1)),
                        "7a 0a f0 ff ff ff ff ff", "7a a0 ff f0 ff ff ff ff", "*(u64 *)(r10 -16) = -1"),

                // atomics (llvm-mc)
                row("lock *(u32 *)(r1 + 4) += w2", single(b -> b.atomicAdd(Size.W, R1, 4, R2)),
                        "c3 21 04 00 00 00 00 00", "c3 12 00 04 00 00 00 00", "lock *(u32 *)(r1 +4) += r2"),
                row("lock *(u64 *)(r1 + 8) += r2", single(b -> b.atomicAdd(Size.DW, R1, 8, R2)),
                        "db 21 08 00 00 00 00 00", "db 12 00 08 00 00 00 00", "lock *(u64 *)(r1 +8) += r2"),
                row("lock *(u64 *)(r1 + 8) &= r2", single(b -> b.atomicAnd(Size.DW, R1, 8, R2)),
                        "db 21 08 00 50 00 00 00", "db 12 00 08 00 00 00 50", "lock *(u64 *)(r1 +8) &= r2"),
                row("lock *(u64 *)(r1 + 8) |= r2", single(b -> b.atomicOr(Size.DW, R1, 8, R2)),
                        "db 21 08 00 40 00 00 00", "db 12 00 08 00 00 00 40", "lock *(u64 *)(r1 +8) |= r2"),
                row("lock *(u32 *)(r1 + 8) ^= w2", single(b -> b.atomicXor(Size.W, R1, 8, R2)),
                        "c3 21 08 00 a0 00 00 00", "c3 12 00 08 00 00 00 a0", "lock *(u32 *)(r1 +8) ^= r2"),
                row("r2 = atomic_fetch_add((u64 *)(r1 + 8), r2)", single(b -> b.atomicFetchAdd(Size.DW, R1, 8, R2)),
                        "db 21 08 00 01 00 00 00", "db 12 00 08 00 00 00 01",
                        "r2 = atomic64_fetch_add((u64 *)(r1 +8), r2)"),
                row("w2 = atomic_fetch_and((u32 *)(r1 + 4), w2)", single(b -> b.atomicFetchAnd(Size.W, R1, 4, R2)),
                        "c3 21 04 00 51 00 00 00", "c3 12 00 04 00 00 00 51",
                        "r2 = atomic_fetch_and((u32 *)(r1 +4), r2)"),
                row("r2 = atomic_fetch_or((u64 *)(r1 + 8), r2)", single(b -> b.atomicFetchOr(Size.DW, R1, 8, R2)),
                        "db 21 08 00 41 00 00 00", "db 12 00 08 00 00 00 41",
                        "r2 = atomic64_fetch_or((u64 *)(r1 +8), r2)"),
                row("r2 = atomic_fetch_xor((u64 *)(r1 + 8), r2)", single(b -> b.atomicFetchXor(Size.DW, R1, 8, R2)),
                        "db 21 08 00 a1 00 00 00", "db 12 00 08 00 00 00 a1",
                        "r2 = atomic64_fetch_xor((u64 *)(r1 +8), r2)"),
                row("r2 = xchg_64(r1 + 8, r2)", single(b -> b.atomicXchg(Size.DW, R1, 8, R2)),
                        "db 21 08 00 e1 00 00 00", "db 12 00 08 00 00 00 e1",
                        "r2 = atomic64_xchg((u64 *)(r1 +8), r2)"),
                row("w2 = xchg32_32(r1 + 4, w2)", single(b -> b.atomicXchg(Size.W, R1, 4, R2)),
                        "c3 21 04 00 e1 00 00 00", "c3 12 00 04 00 00 00 e1",
                        "r2 = atomic_xchg((u32 *)(r1 +4), r2)"),
                row("r0 = cmpxchg_64(r1 + 8, r0, r2)", single(b -> b.atomicCmpXchg(Size.DW, R1, 8, R2)),
                        "db 21 08 00 f1 00 00 00", "db 12 00 08 00 00 00 f1",
                        "r0 = atomic64_cmpxchg((u64 *)(r1 +8), r0, r2)"),
                row("w0 = cmpxchg32_32(r1 + 4, w0, w2)", single(b -> b.atomicCmpXchg(Size.W, R1, 4, R2)),
                        "c3 21 04 00 f1 00 00 00", "c3 12 00 04 00 00 00 f1",
                        "r0 = atomic_cmpxchg((u32 *)(r1 +4), r0, r2)"),
                row("w1 = load_acquire((u8 *)(r2 + 1))", single(b -> b.loadAcquire(Size.B, R1, R2, 1)),
                        "d3 21 01 00 00 01 00 00", "d3 12 00 01 00 00 01 00", "r1 = load_acquire((u8 *)(r2 +1))"),
                row("w1 = load_acquire((u16 *)(r2 + 2))", single(b -> b.loadAcquire(Size.H, R1, R2, 2)),
                        "cb 21 02 00 00 01 00 00", "cb 12 00 02 00 00 01 00", "r1 = load_acquire((u16 *)(r2 +2))"),
                row("w1 = load_acquire((u32 *)(r2 + 4))", single(b -> b.loadAcquire(Size.W, R1, R2, 4)),
                        "c3 21 04 00 00 01 00 00", "c3 12 00 04 00 00 01 00", "r1 = load_acquire((u32 *)(r2 +4))"),
                row("r1 = load_acquire((u64 *)(r2 + 8))", single(b -> b.loadAcquire(Size.DW, R1, R2, 8)),
                        "db 21 08 00 00 01 00 00", "db 12 00 08 00 00 01 00", "r1 = load_acquire((u64 *)(r2 +8))"),
                row("store_release((u8 *)(r1 + 1), w2)", single(b -> b.storeRelease(Size.B, R1, 1, R2)),
                        "d3 21 01 00 10 01 00 00", "d3 12 00 01 00 00 01 10", "store_release((u8 *)(r1 +1), r2)"),
                row("store_release((u64 *)(r1 + 8), r2)", single(b -> b.storeRelease(Size.DW, R1, 8, R2)),
                        "db 21 08 00 10 01 00 00", "db 12 00 08 00 00 01 10", "store_release((u64 *)(r1 +8), r2)"));
    }

    private static Arguments row(String asm, Instruction insn, String littleEndian, String bigEndian,
            String kernel) {
        return Arguments.of(asm, insn, littleEndian, bigEndian, kernel);
    }

    /** The one instruction {@code emit} appends. */
    private static Instruction single(Consumer<Builder> emit) {
        Builder builder = Instructions.builder();
        emit.accept(builder);
        Instructions built = builder.build();
        assertThat(built.size()).isEqualTo(1);
        return built.get(0);
    }

    /**
     * The jump {@code emit} appends, to a label {@code distance} slots after the next one, with its label
     * resolved and its metadata dropped, since decoded instructions have none.
     */
    private static Instruction jump(Consumer<Builder> emit, int distance) {
        Builder builder = Instructions.builder();
        int jumpIndex;
        if (distance < 0) {
            builder.label(TARGET);
            jumpIndex = -distance - 1;
            for (int i = 0; i < jumpIndex; i++) {
                builder.exit();
            }
            emit.accept(builder);
        } else {
            jumpIndex = 0;
            emit.accept(builder);
            for (int i = 0; i < distance; i++) {
                builder.exit();
            }
            builder.label(TARGET).exit();
        }
        return builder.build().resolveReferences().get(jumpIndex).withReference(null).withLabel(null);
    }

    /** A conditional jump to {@link #TARGET}, two slots after the next one. */
    private static Instruction jumpTo(Instruction jump) {
        return jump(b -> b.append(jump), 2);
    }
}
