package io.ebpf4j.asm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable, ordered list of instructions: a program, a function, or several functions linked together.
 *
 * <p>Indexes count {@link Instruction}s; slots count the 8-byte units of the wire format, in which an
 * {@code ld_imm64} takes two. Jump distances, call targets and the kernel's instruction numbers are in slots.
 *
 * <p>Instructions may refer to each other by name instead of by distance (see {@link Instruction#reference()}), so
 * that lists can be edited and concatenated freely; {@link #marshal(ByteOrder)} turns those names into distances.
 * Symbol and label names must be unique within one list.
 */
public final class Instructions implements Iterable<Instruction> {
    /** Size of one instruction slot in bytes. */
    public static final int SLOT_SIZE = 8;

    private final List<Instruction> instructions;
    private final int[] slotOffsets;
    private final int slotCount;

    private Instructions(List<Instruction> instructions) {
        this.instructions = List.copyOf(instructions);
        this.slotOffsets = new int[this.instructions.size()];
        int slot = 0;
        for (int i = 0; i < slotOffsets.length; i++) {
            slotOffsets[i] = slot;
            slot += this.instructions.get(i).slots();
        }
        this.slotCount = slot;
        checkUniqueNames();
    }

    /**
     * The instructions of {@code instructions}, in order.
     *
     * @throws IllegalArgumentException if two instructions share a symbol or label name
     * @throws NullPointerException     if the list or one of its elements is null
     */
    public static Instructions of(List<Instruction> instructions) {
        return new Instructions(instructions);
    }

    /** A builder to write a program instruction by instruction, with named labels and functions. */
    public static Builder builder() {
        return new Builder();
    }

    /** Number of instructions (an {@code ld_imm64} counts once). */
    public int size() {
        return instructions.size();
    }

    /** Number of 8-byte slots (an {@code ld_imm64} counts twice): the program length the kernel sees. */
    public int slotCount() {
        return slotCount;
    }

    /** The instruction at {@code index}. */
    public Instruction get(int index) {
        return instructions.get(index);
    }

    /** The slot at which the instruction at {@code index} starts. */
    public int slotOffset(int index) {
        Objects.checkIndex(index, slotOffsets.length);
        return slotOffsets[index];
    }

    /** The instructions as an unmodifiable list. */
    public List<Instruction> asList() {
        return instructions;
    }

    @Override
    public Iterator<Instruction> iterator() {
        return instructions.iterator();
    }

    /** The slot offset of each function, by {@link Instruction#symbol() symbol}, in program order. */
    public Map<String, Integer> functionOffsets() {
        Map<String, Integer> offsets = new LinkedHashMap<>();
        for (int i = 0; i < instructions.size(); i++) {
            String symbol = instructions.get(i).symbol();
            if (symbol != null) {
                offsets.put(symbol, slotOffsets[i]);
            }
        }
        return Collections.unmodifiableMap(offsets);
    }

    /**
     * The wire format the kernel loads: 8 bytes per slot in {@code order}. First resolves the references that
     * point inside this list: jumps get their offset (or, for {@code gotol}, their constant), bpf-to-bpf calls and
     * {@link Instruction#PSEUDO_FUNC} loads whose target is a symbol here get their relative constant. Other
     * references (maps, kfuncs, functions elsewhere) are left as they are, for the loader.
     *
     * @throws IllegalArgumentException if a jump names a label that does not exist, a jump distance does not fit
     *                                  its field, or a constant does not fit the 32-bit immediate
     */
    public byte[] marshal(ByteOrder order) {
        Objects.requireNonNull(order, "order");
        List<Instruction> resolved = resolveReferences();
        ByteBuffer out = ByteBuffer.allocate(slotCount * SLOT_SIZE).order(order);
        for (int i = 0; i < resolved.size(); i++) {
            encode(resolved.get(i), slotOffsets[i], out);
        }
        return out.array();
    }

    private static void encode(Instruction insn, int slot, ByteBuffer out) {
        long constant = insn.constant();
        if (!insn.isLoadImm64() && (constant < Integer.MIN_VALUE || constant > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException(String.format(
                    "instruction at slot %d (%s): constant %d does not fit in the signed 32-bit immediate",
                    slot, insn, constant));
        }
        out.put((byte) insn.opCode());
        out.put(registers(insn.dst().number(), insn.src().number(), out.order()));
        out.putShort(insn.offset());
        out.putInt((int) constant);
        if (insn.isLoadImm64()) {
            // The second slot carries only the high half of the constant; the kernel rejects anything else in it.
            out.putInt(0);
            out.putInt((int) (constant >>> 32));
        }
    }

    /** The registers byte: the destination is the low nibble in little-endian objects, the high one in big-endian. */
    private static byte registers(int dst, int src, ByteOrder order) {
        return (byte) (order == ByteOrder.LITTLE_ENDIAN ? src << 4 | dst : dst << 4 | src);
    }

    /**
     * Decodes the instructions in {@code data[offset, offset + length)}, written in {@code order}. The result has no
     * metadata: symbols, references and source lines come from the ELF and BTF sections around the code.
     *
     * @throws IllegalArgumentException if the range lies outside {@code data}, {@code length} is not a multiple of
     *                                  8, an {@code ld_imm64} lacks its second slot or has non-zero fields in it, or a
     *                                  register number is above 10; the message gives the byte offset in
     *                                  {@code data}
     */
    public static Instructions unmarshal(byte[] data, int offset, int length, ByteOrder order) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(order, "order");
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new IllegalArgumentException(String.format(
                    "instructions at byte offset %d, length %d lie outside the %d bytes of data",
                    offset, length, data.length));
        }
        if (length % SLOT_SIZE != 0) {
            throw new IllegalArgumentException(String.format(
                    "instructions at byte offset %d: length %d is not a multiple of the %d-byte instruction size",
                    offset, length, SLOT_SIZE));
        }
        ByteBuffer in = ByteBuffer.wrap(data).order(order);
        int end = offset + length;
        List<Instruction> instructions = new ArrayList<>(length / SLOT_SIZE);
        int position = offset;
        while (position < end) {
            int opCode = data[position] & 0xff;
            int registers = data[position + 1] & 0xff;
            int high = registers >>> 4;
            int low = registers & 0x0f;
            boolean littleEndian = order == ByteOrder.LITTLE_ENDIAN;
            Register dst = register(littleEndian ? low : high, "destination", position);
            Register src = register(littleEndian ? high : low, "source", position);
            short insnOffset = in.getShort(position + 2);
            long constant = in.getInt(position + 4);
            if (opCode == OpCodes.LOAD_IMM64) {
                if (end - position < 2 * SLOT_SIZE) {
                    throw new IllegalArgumentException(String.format(
                            "truncated ld_imm64 at byte offset %d: its second 8-byte slot is missing", position));
                }
                if (in.getInt(position + SLOT_SIZE) != 0) {
                    throw new IllegalArgumentException(String.format("malformed ld_imm64 at byte offset %d: "
                            + "opcode, registers and offset of its second slot must be zero", position));
                }
                long highHalf = in.getInt(position + SLOT_SIZE + 4);
                constant = highHalf << 32 | constant & 0xffff_ffffL;
            }
            Instruction insn = Instruction.of(opCode, dst, src, insnOffset, constant);
            instructions.add(insn);
            position += insn.slots() * SLOT_SIZE;
        }
        return new Instructions(instructions);
    }

    private static Register register(int number, String role, int position) {
        if (number > Register.R10.number()) {
            throw new IllegalArgumentException(String.format(
                    "invalid %s register r%d in instruction at byte offset %d", role, number, position));
        }
        return Register.of(number);
    }

    /** The instructions with every reference to a symbol or label of this list turned into a distance. */
    List<Instruction> resolveReferences() {
        Map<String, Integer> symbolSlots = new HashMap<>();
        Map<String, Integer> jumpTargetSlots = new HashMap<>();
        for (int i = 0; i < instructions.size(); i++) {
            Instruction insn = instructions.get(i);
            if (insn.symbol() != null) {
                symbolSlots.put(insn.symbol(), slotOffsets[i]);
                jumpTargetSlots.put(insn.symbol(), slotOffsets[i]);
            }
            if (insn.label() != null) {
                jumpTargetSlots.put(insn.label(), slotOffsets[i]);
            }
        }
        List<Instruction> resolved = new ArrayList<>(instructions.size());
        for (int i = 0; i < instructions.size(); i++) {
            Instruction insn = instructions.get(i);
            int slot = slotOffsets[i];
            String reference = insn.reference();
            if (reference != null && insn.isRelativeJump()) {
                Integer target = jumpTargetSlots.get(reference);
                if (target == null) {
                    throw new IllegalArgumentException(String.format(
                            "jump at slot %d (%s) refers to unknown label '%s'", slot, insn, reference));
                }
                insn = withJumpDistance(insn, slot, target);
            } else if (reference != null && (insn.isBpfToBpfCall() || insn.isFunctionReference())) {
                Integer target = symbolSlots.get(reference);
                if (target != null) {
                    int distance = target - (slot + 1);
                    // A function load keeps the distance in its low half: the kernel wants the high half zero.
                    insn = insn.withConstant(insn.isLoadImm64() ? Integer.toUnsignedLong(distance) : distance);
                }
            }
            resolved.add(insn);
        }
        return resolved;
    }

    private static Instruction withJumpDistance(Instruction jump, int slot, int target) {
        // Distances count from the slot after the jump.
        long distance = target - (slot + 1L);
        if (jump.isLongJump()) {
            return jump.withConstant(distance);
        }
        if (distance < Short.MIN_VALUE || distance > Short.MAX_VALUE) {
            throw new IllegalArgumentException(String.format(
                    "jump at slot %d (%s) to slot %d spans %d slots, beyond the 16-bit offset range "
                            + "(-32768 to 32767); use gotol for long unconditional jumps",
                    slot, jump, target, distance));
        }
        return jump.withOffset((short) distance);
    }

    private void checkUniqueNames() {
        Map<String, Integer> definedAt = new HashMap<>();
        for (int i = 0; i < instructions.size(); i++) {
            Instruction insn = instructions.get(i);
            for (String name : new String[] {insn.symbol(), insn.label()}) {
                if (name == null) {
                    continue;
                }
                Integer previous = definedAt.putIfAbsent(name, i);
                if (previous != null && previous != i) {
                    throw new IllegalArgumentException(String.format(
                            "name '%s' is defined twice, at instructions %d and %d", name, previous, i));
                }
            }
        }
    }

    /** Fails early, as marshalling would, if a jump names a missing label or its distance does not fit. */
    private void checkJumps() {
        resolveReferences();
    }

    /**
     * Multi-line disassembly: each symbol and label as a {@code name:} line, each source line as a
     * {@code ; source} comment, then one {@code slot: instruction} line per instruction.
     */
    @Override
    public String toString() {
        int width = Integer.toString(Math.max(0, slotCount - 1)).length();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < instructions.size(); i++) {
            Instruction insn = instructions.get(i);
            if (insn.symbol() != null) {
                out.append(insn.symbol()).append(":\n");
            }
            if (insn.label() != null) {
                out.append(insn.label()).append(":\n");
            }
            if (insn.source() != null) {
                out.append("  ; ").append(insn.source().strip()).append('\n');
            }
            String slot = Integer.toString(slotOffsets[i]);
            out.append("  ").append(" ".repeat(width - slot.length())).append(slot).append(": ").append(insn)
                    .append('\n');
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Instructions && instructions.equals(((Instructions) o).instructions);
    }

    @Override
    public int hashCode() {
        return instructions.hashCode();
    }

    /**
     * Writes a program by hand, one instruction per call, in the order they execute:
     *
     * <pre>{@code
     * Instructions prog = Instructions.builder()
     *     .storeImm(Size.W, R10, -4, 0)                     // *(u32 *)(r10 -4) = 0
     *     .mov64(R2, R10)
     *     .add64(R2, -4)
     *     .loadMapReference(R1, "counts")                   // resolved by the loader
     *     .call(Helper.MAP_LOOKUP_ELEM)
     *     .append(JumpOp.JEQ.imm(R0, 0, "miss"))            // or .jumpIf(JumpOp.JEQ, R0, 0, "miss")
     *     .mov64(R1, 1)
     *     .atomicAdd(Size.DW, R0, 0, R1)
     *     .label("miss")
     *     .append(AluOp.MOV.imm32(R0, 0))                   // w0 = 0
     *     .exit()
     *     .build();
     * }</pre>
     *
     * ALU operations and conditional jumps are made by their operation ({@link AluOp}, {@link JumpOp}), in both
     * widths and with both kinds of source, and appended; the builder keeps shorthands only for the commonest
     * ({@code mov64}, {@code add64}, {@code jumpIf}). Methods and operations ending in {@code 32} work on the low
     * halves of registers (zeroing the upper half), the others on whole registers. Memory offsets are in bytes and
     * must fit in 16 signed bits. {@link #label(String)} and {@link #function(String)} name the next instruction;
     * jumps and calls refer to those names and get their distances when the program is marshalled.
     */
    public static final class Builder {
        private final List<Instruction> instructions = new ArrayList<>();
        private String pendingSymbol;
        private String pendingLabel;

        private Builder() {
        }

        /**
         * The instructions so far.
         *
         * @throws IllegalArgumentException if a label or function name is not followed by an instruction, a name is
         *                                  defined twice, or a jump refers to a label that does not exist
         */
        public Instructions build() {
            String dangling = pendingSymbol != null ? pendingSymbol : pendingLabel;
            if (dangling != null) {
                throw new IllegalArgumentException("'" + dangling + "' does not name an instruction: none follows it");
            }
            Instructions result = new Instructions(instructions);
            result.checkJumps();
            return result;
        }

        // ---- structure

        /** Starts the function {@code name} at the next instruction (its {@link Instruction#symbol()}). */
        public Builder function(String name) {
            if (pendingSymbol != null) {
                throw new IllegalArgumentException(
                        "functions '" + pendingSymbol + "' and '" + name + "' would start at the same instruction");
            }
            pendingSymbol = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Names the next instruction {@code name}, a target for jumps. */
        public Builder label(String name) {
            if (pendingLabel != null) {
                throw new IllegalArgumentException(
                        "labels '" + pendingLabel + "' and '" + name + "' would name the same instruction");
            }
            pendingLabel = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Appends {@code insn} as it is (with its metadata). */
        public Builder append(Instruction insn) {
            Objects.requireNonNull(insn, "insn");
            if (pendingSymbol != null) {
                if (insn.symbol() != null) {
                    throw new IllegalArgumentException("instruction '" + insn + "' already starts function '"
                            + insn.symbol() + "', cannot also start '" + pendingSymbol + "'");
                }
                insn = insn.withSymbol(pendingSymbol);
                pendingSymbol = null;
            }
            if (pendingLabel != null) {
                if (insn.label() != null) {
                    throw new IllegalArgumentException("instruction '" + insn + "' already has label '"
                            + insn.label() + "', cannot also be '" + pendingLabel + "'");
                }
                insn = insn.withLabel(pendingLabel);
                pendingLabel = null;
            }
            instructions.add(insn);
            return this;
        }

        /** Appends every instruction of {@code other}, e.g. a function written separately. */
        public Builder append(Instructions other) {
            for (Instruction insn : other) {
                append(insn);
            }
            return this;
        }

        // ---- ALU: the two shorthands nearly every program uses; every other operation is written with its
        // AluOp, e.g. append(AluOp.LSH.imm(dst, 3))

        /** {@code dst = imm}, sign-extended to 64 bits. Use {@link #loadImm64} for wider values. */
        public Builder mov64(Register dst, int imm) {
            return append(AluOp.MOV.imm(dst, imm));
        }

        /** {@code dst = src} */
        public Builder mov64(Register dst, Register src) {
            return append(AluOp.MOV.reg(dst, src));
        }

        /** {@code dst += imm} */
        public Builder add64(Register dst, int imm) {
            return append(AluOp.ADD.imm(dst, imm));
        }

        /** {@code dst += src} */
        public Builder add64(Register dst, Register src) {
            return append(AluOp.ADD.reg(dst, src));
        }

        // ---- ALU forms that are not an AluOp

        /** {@code dst = -dst} */
        public Builder neg64(Register dst) {
            return append(Instruction.of(OpCodes.CLASS_ALU64 | OpCodes.ALU_NEG, dst, Register.R0, 0, 0));
        }

        /** {@code w_dst = -w_dst} */
        public Builder neg32(Register dst) {
            return append(Instruction.of(OpCodes.CLASS_ALU | OpCodes.ALU_NEG, dst, Register.R0, 0, 0));
        }

        /**
         * {@code dst = (s<bits>) src}: the low {@code bits} (8, 16 or 32) of {@code src}, sign-extended (ISA v4).
         */
        public Builder movsx64(Register dst, Register src, int bits) {
            return signExtendingMove(OpCodes.CLASS_ALU64, dst, src, bits, 8, 16, 32);
        }

        /** {@code w_dst = (s<bits>) w_src}: the low {@code bits} (8 or 16) of {@code src}, sign-extended (ISA v4). */
        public Builder movsx32(Register dst, Register src, int bits) {
            return signExtendingMove(OpCodes.CLASS_ALU, dst, src, bits, 8, 16);
        }

        // ---- byte order

        /** {@code dst = le<bits> dst}: converts the low {@code bits} (16, 32 or 64) to little-endian. */
        public Builder toLittleEndian(Register dst, int bits) {
            return byteOrder(OpCodes.CLASS_ALU | OpCodes.SOURCE_K, dst, bits);
        }

        /** {@code dst = be<bits> dst}: converts the low {@code bits} (16, 32 or 64) to big-endian. */
        public Builder toBigEndian(Register dst, int bits) {
            return byteOrder(OpCodes.CLASS_ALU | OpCodes.SOURCE_X, dst, bits);
        }

        /** {@code dst = bswap<bits> dst}: reverses the low {@code bits} (16, 32 or 64) unconditionally (ISA v4). */
        public Builder byteSwap(Register dst, int bits) {
            return byteOrder(OpCodes.CLASS_ALU64, dst, bits);
        }

        // ---- memory

        /** {@code dst = *(u<size> *)(src + offset)} */
        public Builder load(Size size, Register dst, Register src, int offset) {
            return memory(OpCodes.CLASS_LDX | OpCodes.MODE_MEM, size, dst, src, offset, 0);
        }

        /** {@code dst = *(s<size> *)(src + offset)}: a sign-extending load of size B, H or W (ISA v4). */
        public Builder loadSignExtend(Size size, Register dst, Register src, int offset) {
            if (size == Size.DW) {
                throw new IllegalArgumentException("a sign-extending load reads B, H or W, not DW");
            }
            return memory(OpCodes.CLASS_LDX | OpCodes.MODE_MEMSX, size, dst, src, offset, 0);
        }

        /** {@code *(u<size> *)(dst + offset) = src} */
        public Builder store(Size size, Register dst, int offset, Register src) {
            return memory(OpCodes.CLASS_STX | OpCodes.MODE_MEM, size, dst, src, offset, 0);
        }

        /** {@code *(u<size> *)(dst + offset) = imm} */
        public Builder storeImm(Size size, Register dst, int offset, int imm) {
            return memory(OpCodes.CLASS_ST | OpCodes.MODE_MEM, size, dst, Register.R0, offset, imm);
        }

        /**
         * Legacy packet access of socket filters: {@code r0 = *(u<size> *)skb[offset]}, in network byte order.
         */
        public Builder loadAbsolute(Size size, int offset) {
            return legacyPacketLoad(OpCodes.MODE_ABS, size, Register.R0, offset);
        }

        /** Legacy packet access of socket filters: {@code r0 = *(u<size> *)skb[src + offset]}. */
        public Builder loadIndirect(Size size, Register src, int offset) {
            return legacyPacketLoad(OpCodes.MODE_IND, size, src, offset);
        }

        // ---- atomics

        /** {@code lock *(u<size> *)(dst + offset) += src}; size {@link Size#W} or {@link Size#DW}. */
        public Builder atomicAdd(Size size, Register dst, int offset, Register src) {
            return atomic(AtomicOp.ADD, size, dst, src, offset);
        }

        /** {@code lock *(u<size> *)(dst + offset) &= src}; size {@link Size#W} or {@link Size#DW}. */
        public Builder atomicAnd(Size size, Register dst, int offset, Register src) {
            return atomic(AtomicOp.AND, size, dst, src, offset);
        }

        /** {@code lock *(u<size> *)(dst + offset) |= src}; size {@link Size#W} or {@link Size#DW}. */
        public Builder atomicOr(Size size, Register dst, int offset, Register src) {
            return atomic(AtomicOp.OR, size, dst, src, offset);
        }

        /** {@code lock *(u<size> *)(dst + offset) ^= src}; size {@link Size#W} or {@link Size#DW}. */
        public Builder atomicXor(Size size, Register dst, int offset, Register src) {
            return atomic(AtomicOp.XOR, size, dst, src, offset);
        }

        /** {@code src = atomic_fetch_add((u<size> *)(dst + offset), src)}: adds, returns the old value in src. */
        public Builder atomicFetchAdd(Size size, Register dst, int offset, Register src) {
            return atomic(AtomicOp.FETCH_ADD, size, dst, src, offset);
        }

        /** {@code src = atomic_fetch_and((u<size> *)(dst + offset), src)} */
        public Builder atomicFetchAnd(Size size, Register dst, int offset, Register src) {
            return atomic(AtomicOp.FETCH_AND, size, dst, src, offset);
        }

        /** {@code src = atomic_fetch_or((u<size> *)(dst + offset), src)} */
        public Builder atomicFetchOr(Size size, Register dst, int offset, Register src) {
            return atomic(AtomicOp.FETCH_OR, size, dst, src, offset);
        }

        /** {@code src = atomic_fetch_xor((u<size> *)(dst + offset), src)} */
        public Builder atomicFetchXor(Size size, Register dst, int offset, Register src) {
            return atomic(AtomicOp.FETCH_XOR, size, dst, src, offset);
        }

        /** {@code src = atomic_xchg((u<size> *)(dst + offset), src)}: stores src, returns the old value in src. */
        public Builder atomicXchg(Size size, Register dst, int offset, Register src) {
            return atomic(AtomicOp.XCHG, size, dst, src, offset);
        }

        /**
         * {@code r0 = atomic_cmpxchg((u<size> *)(dst + offset), r0, src)}: stores src if the memory equals r0, and
         * returns the old value in r0.
         */
        public Builder atomicCmpXchg(Size size, Register dst, int offset, Register src) {
            return atomic(AtomicOp.CMPXCHG, size, dst, src, offset);
        }

        /** {@code dst = load_acquire((u<size> *)(src + offset))}: a load ordered before later accesses. */
        public Builder loadAcquire(Size size, Register dst, Register src, int offset) {
            return atomic(AtomicOp.LOAD_ACQUIRE, size, dst, src, offset);
        }

        /** {@code store_release((u<size> *)(dst + offset), src)}: a store ordered after earlier accesses. */
        public Builder storeRelease(Size size, Register dst, int offset, Register src) {
            return atomic(AtomicOp.STORE_RELEASE, size, dst, src, offset);
        }

        // ---- 64-bit immediates

        /** {@code dst = value}, any 64-bit value ({@code ld_imm64}, two slots). */
        public Builder loadImm64(Register dst, long value) {
            return loadImm64(dst, 0, value, null);
        }

        /** {@code dst = map[fd]}: the map with file descriptor {@code fd}. */
        public Builder loadMapFd(Register dst, int fd) {
            return loadImm64(dst, Instruction.PSEUDO_MAP_FD, Integer.toUnsignedLong(fd), null);
        }

        /** {@code dst = map[name]}: the map {@code name}, whose file descriptor the loader fills in. */
        public Builder loadMapReference(Register dst, String map) {
            return loadImm64(dst, Instruction.PSEUDO_MAP_FD, 0, Objects.requireNonNull(map, "map"));
        }

        /** {@code dst = &map[fd][0] + valueOffset}: a pointer into the value of a single-element array map. */
        public Builder loadMapValue(Register dst, int fd, int valueOffset) {
            return loadImm64(dst, Instruction.PSEUDO_MAP_VALUE, mapValueConstant(fd, valueOffset), null);
        }

        /** {@code dst = &map[name][0] + valueOffset}, the map's file descriptor filled in by the loader. */
        public Builder loadMapValueReference(Register dst, String map, int valueOffset) {
            return loadImm64(dst, Instruction.PSEUDO_MAP_VALUE, mapValueConstant(0, valueOffset),
                    Objects.requireNonNull(map, "map"));
        }

        /** {@code dst = &function}: the address of a BPF function, to pass as a callback. */
        public Builder loadFunctionReference(Register dst, String function) {
            return loadImm64(dst, Instruction.PSEUDO_FUNC, 0, Objects.requireNonNull(function, "function"));
        }

        // ---- jumps

        /** {@code goto label} */
        public Builder ja(String label) {
            return append(JumpOp.toLabel(OpCodes.JA, Register.R0, Register.R0, 0, label));
        }

        /** {@code gotol label}: an unconditional jump with a 32-bit distance, for far targets (ISA v4). */
        public Builder gotol(String label) {
            return append(JumpOp.toLabel(OpCodes.JA32, Register.R0, Register.R0, 0, label));
        }

        /**
         * {@code may_goto label}: falls through while the program's loop budget lasts, then jumps to {@code label}
         * (for bounded loops the verifier cannot bound itself).
         */
        public Builder mayGoto(String label) {
            return append(JumpOp.toLabel(OpCodes.JCOND, Register.R0, Register.R0, 0, label));
        }

        /**
         * {@code if dst <op> imm goto label}, comparing 64 bits: shorthand for {@code append(op.imm(dst, imm, label))};
         * 32-bit comparisons are written with their {@link JumpOp}, e.g. {@code append(JumpOp.JEQ.imm32(...))}.
         */
        public Builder jumpIf(JumpOp op, Register dst, int imm, String label) {
            return append(op.imm(dst, imm, label));
        }

        /** {@code if dst <op> src goto label}, comparing 64 bits: shorthand for {@code append(op.reg(...))}. */
        public Builder jumpIf(JumpOp op, Register dst, Register src, String label) {
            return append(op.reg(dst, src, label));
        }

        // ---- calls

        /** {@code call helper}: arguments in r1–r5, result in r0; r1–r5 are clobbered. */
        public Builder call(Helper helper) {
            return append(Instruction.of(OpCodes.CALL, Register.R0, Register.R0, 0, helper.id()));
        }

        /**
         * {@code call function}: a bpf-to-bpf call to the function {@code function}, resolved when marshalled if it
         * is in the same {@link Instructions}, otherwise by the loader.
         */
        public Builder callFunction(String function) {
            return append(Instruction.of(OpCodes.CALL, Register.R0, Register.of(Instruction.PSEUDO_CALL), 0, -1)
                    .withReference(Objects.requireNonNull(function, "function")));
        }

        /** {@code call kfunc}: a call to the kernel function {@code kfunc}, whose BTF id the loader fills in. */
        public Builder callKfunc(String kfunc) {
            return append(Instruction.of(OpCodes.CALL, Register.R0, Register.of(Instruction.PSEUDO_KFUNC_CALL), 0, -1)
                    .withReference(Objects.requireNonNull(kfunc, "kfunc")));
        }

        /** {@code exit}: returns r0 to the caller. */
        public Builder exit() {
            return append(Instruction.of(OpCodes.EXIT, Register.R0, Register.R0, 0, 0));
        }

        // ---- encodings

        private Builder signExtendingMove(int opClass, Register dst, Register src, int bits, int... allowedBits) {
            for (int allowed : allowedBits) {
                if (bits == allowed) {
                    return append(Instruction.of(opClass | OpCodes.ALU_MOV | OpCodes.SOURCE_X, dst, src, bits, 0));
                }
            }
            throw new IllegalArgumentException("cannot sign-extend from " + bits + " bits in "
                    + (opClass == OpCodes.CLASS_ALU64 ? "64-bit (8, 16 or 32)" : "32-bit (8 or 16)") + " mode");
        }

        private Builder byteOrder(int opClassAndSource, Register dst, int bits) {
            if (bits != 16 && bits != 32 && bits != 64) {
                throw new IllegalArgumentException("byte order conversions take 16, 32 or 64 bits, not " + bits);
            }
            return append(Instruction.of(opClassAndSource | OpCodes.ALU_END, dst, Register.R0, 0, bits));
        }

        private Builder memory(int opClassAndMode, Size size, Register dst, Register src, int offset, int imm) {
            return append(Instruction.of(opClassAndMode | size.encoding(), dst, src, offset, imm));
        }

        private Builder legacyPacketLoad(int mode, Size size, Register src, int offset) {
            if (size == Size.DW) {
                throw new IllegalArgumentException("legacy packet loads read B, H or W, not DW");
            }
            return append(Instruction.of(OpCodes.CLASS_LD | mode | size.encoding(), Register.R0, src, 0, offset));
        }

        private Builder atomic(AtomicOp op, Size size, Register dst, Register src, int offset) {
            if (op.isReadModifyWrite() && size != Size.W && size != Size.DW) {
                throw new IllegalArgumentException("atomic " + op.operation() + " works on W or DW, not " + size);
            }
            return memory(OpCodes.CLASS_STX | OpCodes.MODE_ATOMIC, size, dst, src, offset, op.imm());
        }

        private Builder loadImm64(Register dst, int pseudoSource, long constant, String reference) {
            return append(Instruction.of(OpCodes.LOAD_IMM64, dst, Register.of(pseudoSource), 0, constant)
                    .withReference(reference));
        }

        private static long mapValueConstant(int fd, int valueOffset) {
            return (long) valueOffset << 32 | Integer.toUnsignedLong(fd);
        }
    }
}
