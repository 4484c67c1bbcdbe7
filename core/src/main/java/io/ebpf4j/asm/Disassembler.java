package io.ebpf4j.asm;

/**
 * Formats instructions in the syntax of the kernel's verifier log and {@code bpftool prog dump xlated}
 * ({@code kernel/bpf/disasm.c}), without the opcode column. Where an instruction carries a {@link
 * Instruction#reference()} that stands for its operand, the name replaces the number: a label instead of
 * {@code pc+3}, a map name instead of its file descriptor.
 */
final class Disassembler {
    private Disassembler() {
    }

    static String format(Instruction insn) {
        int opCode = insn.opCode();
        switch (OpCodes.opClass(opCode)) {
            case OpCodes.CLASS_ALU:
            case OpCodes.CLASS_ALU64:
                return formatAlu(insn);
            case OpCodes.CLASS_LDX:
                return formatLoadFromMemory(insn);
            case OpCodes.CLASS_ST:
                return formatStoreImmediate(insn);
            case OpCodes.CLASS_STX:
                return formatStoreFromRegister(insn);
            case OpCodes.CLASS_LD:
                return formatLoad(insn);
            default:
                return formatJump(insn);
        }
    }

    private static String formatAlu(Instruction insn) {
        int opCode = insn.opCode();
        boolean wide = OpCodes.opClass(opCode) == OpCodes.CLASS_ALU64;
        String dst = register(insn.dst(), wide);
        int operation = OpCodes.operation(opCode);
        if (operation == OpCodes.ALU_END) {
            // The kernel prints the 64-bit register name for byte swaps whatever the class.
            String r = "r" + insn.dst().number();
            String kind = wide ? "bswap" : OpCodes.source(opCode) == OpCodes.SOURCE_X ? "be" : "le";
            return r + " = " + kind + insn.constant() + " " + r;
        }
        if (operation == OpCodes.ALU_NEG) {
            return dst + " = -" + dst;
        }
        boolean registerSource = OpCodes.source(opCode) == OpCodes.SOURCE_X;
        if (wide && registerSource && operation == OpCodes.ALU_MOV && insn.offset() == 1) {
            // BPF_ADDR_SPACE_CAST: the immediate holds the destination and source address spaces.
            return String.format("%s = addr_space_cast(r%d, %d, %d)", dst, insn.src().number(),
                    (insn.constant() >>> 16) & 0xffff, insn.constant() & 0xffff);
        }
        AluOp op = AluOp.of(operation, insn.offset());
        if (op == null) {
            return unknown(insn);
        }
        if (!registerSource) {
            return dst + " " + op.operator() + " " + insn.constant();
        }
        String signExtension = op == AluOp.MOV ? signExtensionCast(insn.offset()) : "";
        return dst + " " + op.operator() + " " + signExtension + register(insn.src(), wide);
    }

    private static String signExtensionCast(short offset) {
        switch (offset) {
            case 8:
            case 16:
            case 32:
                return "(s" + offset + ")";
            default:
                return "";
        }
    }

    private static String formatLoadFromMemory(Instruction insn) {
        int mode = OpCodes.mode(insn.opCode());
        Size size = Size.ofOpCode(insn.opCode());
        String type;
        if (mode == OpCodes.MODE_MEM) {
            type = size.unsignedType();
        } else if (mode == OpCodes.MODE_MEMSX) {
            type = size.signedType();
        } else {
            return unknown(insn);
        }
        return register(insn.dst(), true) + " = " + memory(type, insn.src(), insn.offset());
    }

    private static String formatStoreImmediate(Instruction insn) {
        if (OpCodes.mode(insn.opCode()) != OpCodes.MODE_MEM) {
            return unknown(insn);
        }
        return memory(Size.ofOpCode(insn.opCode()).unsignedType(), insn.dst(), insn.offset()) + " = "
                + insn.constant();
    }

    private static String formatStoreFromRegister(Instruction insn) {
        int mode = OpCodes.mode(insn.opCode());
        Size size = Size.ofOpCode(insn.opCode());
        String type = size.unsignedType();
        String src = register(insn.src(), true);
        if (mode == OpCodes.MODE_MEM) {
            return memory(type, insn.dst(), insn.offset()) + " = " + src;
        }
        AtomicOp op = mode == OpCodes.MODE_ATOMIC ? AtomicOp.of(insn.constant()) : null;
        if (op == null) {
            return unknown(insn);
        }
        String address = address(type, insn.dst(), insn.offset());
        String width = size == Size.DW ? "64" : "";
        switch (op) {
            case LOAD_ACQUIRE:
                return register(insn.dst(), true) + " = load_acquire(" + address(type, insn.src(), insn.offset())
                        + ")";
            case STORE_RELEASE:
                return "store_release(" + address + ", " + src + ")";
            case CMPXCHG:
                return "r0 = atomic" + width + "_cmpxchg(" + address + ", r0, " + src + ")";
            case XCHG:
                return src + " = atomic" + width + "_xchg(" + address + ", " + src + ")";
            default:
                if (op.isLockedUpdate()) {
                    return "lock *" + address + " " + AluOp.of(op.imm(), 0).operator() + " " + src;
                }
                return src + " = atomic" + width + "_fetch_" + op.operation() + "(" + address + ", " + src + ")";
        }
    }

    private static String formatLoad(Instruction insn) {
        int mode = OpCodes.mode(insn.opCode());
        String type = Size.ofOpCode(insn.opCode()).unsignedType();
        if (mode == OpCodes.MODE_ABS) {
            return "r0 = *(" + type + " *)skb[" + insn.constant() + "]";
        }
        if (mode == OpCodes.MODE_IND) {
            return "r0 = *(" + type + " *)skb[" + register(insn.src(), true) + " + " + insn.constant() + "]";
        }
        if (insn.isLoadImm64()) {
            return register(insn.dst(), true) + " = " + immediate64(insn);
        }
        return unknown(insn);
    }

    /** The value of an {@code ld_imm64}, which its pseudo source says how to read (bpftool's notation). */
    private static String immediate64(Instruction insn) {
        long constant = insn.constant();
        int low = (int) constant;
        long high = constant >>> 32;
        String reference = insn.reference();
        switch (insn.src().number()) {
            case 0:
                return hex(constant) + referenceSuffix(reference);
            case Instruction.PSEUDO_MAP_FD:
                return map(reference, "fd:" + low);
            case Instruction.PSEUDO_MAP_VALUE:
                return map(reference, "fd:" + low) + "[0]+" + high;
            case Instruction.PSEUDO_MAP_IDX:
                return map(reference, "idx:" + low);
            case Instruction.PSEUDO_MAP_IDX_VALUE:
                return map(reference, "idx:" + low) + "+" + high;
            case Instruction.PSEUDO_BTF_ID:
                return "btf_id[" + (reference != null ? reference : Integer.toString(low)) + "]";
            case Instruction.PSEUDO_FUNC:
                return "subprog[" + (reference != null ? reference : signed(low)) + "]";
            default:
                return hex(constant) + referenceSuffix(reference);
        }
    }

    private static String map(String reference, String number) {
        return "map[" + (reference != null ? reference : number) + "]";
    }

    /** Formats the JMP and JMP32 classes. */
    private static String formatJump(Instruction insn) {
        int opCode = insn.opCode();
        String reference = insn.reference();
        if (insn.isCall()) {
            return formatCall(insn);
        }
        if (opCode == OpCodes.EXIT) {
            return "exit";
        }
        if (opCode == OpCodes.JA) {
            return "goto " + target(reference, insn.offset());
        }
        if (opCode == OpCodes.JA32) {
            return "gotol " + target(reference, insn.constant());
        }
        if (opCode == OpCodes.JA_INDIRECT) {
            return "gotox " + register(insn.dst(), true);
        }
        if (opCode == OpCodes.JCOND && insn.src() == Register.R0) {
            return "may_goto " + target(reference, insn.offset());
        }
        JumpOp op = JumpOp.of(OpCodes.operation(opCode));
        if (op == null) {
            return unknown(insn);
        }
        boolean wide = OpCodes.opClass(opCode) == OpCodes.CLASS_JMP;
        String right = OpCodes.source(opCode) == OpCodes.SOURCE_X
                ? register(insn.src(), wide)
                : "0x" + Integer.toHexString((int) insn.constant());
        return "if " + register(insn.dst(), wide) + " " + op.operator() + " " + right + " goto "
                + target(reference, insn.offset());
    }

    private static String formatCall(Instruction insn) {
        int imm = (int) insn.constant();
        String reference = insn.reference();
        if (insn.isBpfToBpfCall()) {
            return "call " + (reference != null ? reference : "pc" + signed(imm));
        }
        if (insn.isKfuncCall()) {
            return "call " + (reference != null ? reference : "kernel-function") + "#" + imm;
        }
        Helper helper = insn.isHelperCall() ? Helper.of(imm) : null;
        return "call " + (helper != null ? helper.functionName() : "unknown") + "#" + imm
                + referenceSuffix(reference);
    }

    private static String target(String reference, long distance) {
        return reference != null ? reference : "pc" + signed(distance);
    }

    /** A dereference as the kernel prints it: {@code *(u32 *)(r10 -4)}. */
    private static String memory(String type, Register base, short offset) {
        return "*" + address(type, base, offset);
    }

    /** A typed address as the kernel prints it: {@code (u32 *)(r10 -4)}. */
    private static String address(String type, Register base, short offset) {
        return "(" + type + " *)(" + register(base, true) + " " + signed(offset) + ")";
    }

    private static String register(Register register, boolean wide) {
        return (wide ? "r" : "w") + register.number();
    }

    private static String signed(long value) {
        return value < 0 ? Long.toString(value) : "+" + value;
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    private static String referenceSuffix(String reference) {
        return reference != null ? " <" + reference + ">" : "";
    }

    private static String unknown(Instruction insn) {
        return String.format("unknown opcode 0x%02x (dst r%d, src r%d, off %d, imm %d)", insn.opCode(),
                insn.dst().number(), insn.src().number(), insn.offset(), insn.constant());
    }
}
