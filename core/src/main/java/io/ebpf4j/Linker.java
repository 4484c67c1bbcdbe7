package io.ebpf4j;

import io.ebpf4j.asm.Instruction;
import io.ebpf4j.asm.Instructions;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Links BPF-to-BPF calls as libbpf does before loading: a program's instructions followed by every function it calls
 * or takes the address of, transitively, each once. References stay symbolic (by function name) until the loader
 * resolves them to instruction offsets.
 */
final class Linker {
    /** A function of the object: a program, or a subprogram in {@code .text} or a program section. */
    interface Function {
        String name();

        Instructions code();
    }

    private Linker() {}

    /** {@code program} followed by every function it reaches; fails naming a callee the object does not define. */
    static Instructions link(Function program, Map<String, ? extends Function> functions) {
        Set<String> linked = new LinkedHashSet<>();
        Deque<Function> pending = new ArrayDeque<>();
        pending.add(program);
        Instructions.Builder out = Instructions.builder();
        while (!pending.isEmpty()) {
            Function f = pending.poll();
            if (!linked.add(f.name())) {
                continue;
            }
            out.append(f.code());
            for (Instruction insn : f.code()) {
                if ((insn.isBpfToBpfCall() || insn.isFunctionReference()) && insn.reference() != null) {
                    Function callee = functions.get(insn.reference());
                    if (callee == null) {
                        throw new ElfFormatException("program '" + program.name() + "' calls '" + insn.reference()
                                + "', which is not defined in the object");
                    }
                    pending.add(callee);
                }
            }
        }
        return out.build();
    }
}
