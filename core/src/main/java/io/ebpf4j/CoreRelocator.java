package io.ebpf4j;

import io.ebpf4j.asm.Instruction;
import io.ebpf4j.asm.Instructions;
import io.ebpf4j.asm.Register;
import io.ebpf4j.asm.Size;
import io.ebpf4j.btf.CoreRelocation;
import io.ebpf4j.btf.CoreResolver;
import io.ebpf4j.btf.CoreResult;
import io.ebpf4j.btf.FuncInfo;
import io.ebpf4j.btf.LineInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Patches instructions with their CO-RE relocation results, the way libbpf's {@code bpf_core_patch_insn} does (see
 * {@link CoreResult} for the rules). Unsatisfiable relocations turn the instruction into a call of an invalid helper,
 * so that the verifier's log points at it unless the program guards the access.
 */
final class CoreRelocator {

    private CoreRelocator() {}

    /** The program's instructions with every CO-RE relocation applied (unchanged if it has none). */
    static Instructions apply(ProgramSpec program, Instructions code, Supplier<CoreResolver> resolver) {
        if (code.asList().stream().noneMatch(insn -> insn.metadata(CoreRelocation.class) != null)) {
            return code;
        }
        List<Instruction> out = new ArrayList<>(code.size());
        for (Instruction insn : code) {
            CoreRelocation relocation = insn.metadata(CoreRelocation.class);
            if (relocation == null) {
                out.add(insn);
                continue;
            }
            CoreResult result = resolver.get().resolve(relocation);
            Instruction patched = patch(program, insn, result);
            if (patched == null) {
                Instruction call = poison(insn);
                out.add(call);
                if (insn.isLoadImm64()) {
                    // An ld_imm64 spans two slots: poison both to keep every jump distance.
                    out.add(Instruction.of(call.opCode(), Register.R0, Register.R0, 0, call.constant()));
                }
            } else {
                out.add(patched.withoutMetadata(CoreRelocation.class));
            }
        }
        return Instructions.of(out);
    }

    /** The patched instruction, or {@code null} when it must be poisoned. */
    private static Instruction patch(ProgramSpec program, Instruction insn, CoreResult result) {
        if (result.poison()) {
            return null;
        }
        if (insn.isAlu()) {
            if (insn.hasRegisterSource()) {
                throw mismatch(program, insn, result, "an ALU instruction with a register source");
            }
            check(program, insn, result, insn.constant());
            return insn.withConstant(result.targetValue());
        }
        if (insn.isMemoryAccess()) {
            check(program, insn, result, insn.offset());
            if (result.targetValue() < Short.MIN_VALUE || result.targetValue() > Short.MAX_VALUE) {
                throw new BpfException("program '" + program.name() + "': CO-RE relocation " + result
                        + " gives offset " + result.targetValue() + ", which does not fit a memory access");
            }
            Instruction patched = insn.withOffset((short) result.targetValue());
            if (result.localFieldSize() != result.targetFieldSize()) {
                if (result.unsafeSizeChange()) {
                    return null;
                }
                patched = patched.withSize(accessSize(program, result));
            }
            return patched;
        }
        if (insn.isLoadImm64()) {
            check(program, insn, result, insn.constant());
            return insn.withConstant(result.targetValue());
        }
        throw mismatch(program, insn, result, insn.isJump() || insn.isCall() || insn.isExit() ? "a jump or call"
                : "a legacy packet load");
    }

    private static Size accessSize(ProgramSpec program, CoreResult result) {
        for (Size size : Size.values()) {
            if (size.bytes() == result.targetFieldSize()) {
                return size;
            }
        }
        throw new BpfException("program '" + program.name() + "': CO-RE relocation " + result
                + " needs a " + result.targetFieldSize() + "-byte access, which BPF cannot do");
    }

    private static void check(ProgramSpec program, Instruction insn, CoreResult result, long current) {
        if (result.validate() && current != result.localValue()) {
            throw new BpfException("program '" + program.name() + "': CO-RE relocation " + result.relocation()
                    + " expects the instruction '" + insn + "' to hold " + result.localValue() + ", but it holds "
                    + current + ": the object's code and its BTF disagree");
        }
    }

    private static BpfException mismatch(ProgramSpec program, Instruction insn, CoreResult result, String what) {
        return new BpfException("program '" + program.name() + "': CO-RE relocation " + result.relocation()
                + " points at " + what + " ('" + insn + "'), which CO-RE cannot patch");
    }

    /**
     * libbpf's poison: a call of helper 0xbad2310, which the verifier reports if the code is reachable. Keeps the
     * instruction's names, source line and BTF function/line metadata.
     */
    private static Instruction poison(Instruction insn) {
        Instruction call = Instruction.of(0x85, Register.R0, Register.R0, 0, CoreResult.POISON_HELPER)
                .withSource(insn.source()).withSymbol(insn.symbol()).withLabel(insn.label());
        FuncInfo func = insn.metadata(FuncInfo.class);
        LineInfo line = insn.metadata(LineInfo.class);
        if (func != null) {
            call = call.withMetadata(func);
        }
        return line != null ? call.withMetadata(line) : call;
    }
}
