package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.ProgramSpec;
import io.ebpf4j.ProgramType;
import io.ebpf4j.asm.AluOp;
import io.ebpf4j.asm.Helper;
import io.ebpf4j.asm.Instructions;
import io.ebpf4j.asm.JumpOp;
import io.ebpf4j.asm.Register;
import io.ebpf4j.asm.Size;
import io.ebpf4j.internal.sys.Arch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small assembled programs for the link tests: each counts its runs (and sometimes more) in an array map. */
final class Programs {
    /** The getppid system call number, which the tracepoint tests filter on. */
    static final int NR_GETPPID = Arch.current() == Arch.X86_64 ? 110 : 173;

    private Programs() {}

    /** An array of {@code slots} 64-bit counters. */
    static BpfMap counters(int slots) {
        return BpfMap.create(new MapSpec("counts", MapType.ARRAY).keySize(4).valueSize(8).maxEntries(slots));
    }

    static long read(BpfMap counters, int slot) {
        byte[] key = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, slot).array();
        return ByteBuffer.wrap(counters.lookup(key).orElseThrow()).order(ByteOrder.nativeOrder()).getLong();
    }

    /**
     * Waits (up to 5 s) until {@code counters[slot]} reaches {@code expected}, for effects the kernel delivers
     * asynchronously (packets crossing a veth pair), and returns the value then.
     */
    static long await(BpfMap counters, int slot, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long value = read(counters, slot);
        while (value < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
            value = read(counters, slot);
        }
        return value;
    }

    /**
     * {@code counters[slot] += value register}; clobbers R0-R5. The program must define label {@code out}, where
     * this goes if the lookup fails (it never does in an array).
     */
    static Instructions.Builder add(Instructions.Builder b, BpfMap counters, int slot, Register value) {
        return b.store(Size.DW, Register.R10, -16, value)
                .storeImm(Size.W, Register.R10, -4, slot)
                .mov64(Register.R2, Register.R10)
                .add64(Register.R2, -4)
                .loadMapFd(Register.R1, counters.fd())
                .call(Helper.MAP_LOOKUP_ELEM)
                .jumpIf(JumpOp.JEQ, Register.R0, 0, "out")
                .load(Size.DW, Register.R1, Register.R10, -16)
                .atomicAdd(Size.DW, Register.R0, 0, Register.R1);
    }

    /** {@code counters[slot] += 1}. */
    static Instructions.Builder increment(Instructions.Builder b, BpfMap counters, int slot) {
        b.mov64(Register.R1, 1);
        return add(b, counters, slot, Register.R1);
    }

    /** Goes to {@code out} unless the current process (thread group) is {@code tgid}; clobbers R0-R5. */
    static Instructions.Builder onlyProcess(Instructions.Builder b, int tgid, String out) {
        return b.call(Helper.GET_CURRENT_PID_TGID)
                .append(AluOp.RSH.imm(Register.R0, 32))
                .jumpIf(JumpOp.JNE, Register.R0, tgid, out);
    }

    /** Counts every run in {@code counters[0]} and returns {@code verdict}. */
    static Instructions counting(BpfMap counters, int verdict) {
        Instructions.Builder b = Instructions.builder();
        increment(b, counters, 0);
        return b.label("out").mov64(Register.R0, verdict).exit().build();
    }

    /** Counts runs of process {@code tgid} in {@code counters[0]}. */
    static Instructions countingProcess(BpfMap counters, int tgid) {
        Instructions.Builder b = Instructions.builder();
        onlyProcess(b, tgid, "out");
        increment(b, counters, 0);
        return b.label("out").mov64(Register.R0, 0).exit().build();
    }

    /**
     * Counts runs of process {@code tgid} in {@code counters[0]} and adds {@code bpf_get_attach_cookie()} to
     * {@code counters[1]}.
     */
    static Instructions countingWithCookie(BpfMap counters, int tgid) {
        Instructions.Builder b = Instructions.builder().mov64(Register.R6, Register.R1);
        onlyProcess(b, tgid, "out");
        increment(b, counters, 0);
        b.mov64(Register.R1, Register.R6).call(Helper.GET_ATTACH_COOKIE).mov64(Register.R7, Register.R0);
        add(b, counters, 1, Register.R7);
        return b.label("out").mov64(Register.R0, 0).exit().build();
    }

    /**
     * For raw (and BTF) tracepoints on {@code sys_enter}, whose second argument is the syscall number: counts the
     * getppid calls of process {@code tgid}.
     */
    static Instructions countingGetppid(BpfMap counters, int tgid) {
        Instructions.Builder b = Instructions.builder()
                .load(Size.DW, Register.R6, Register.R1, 8)
                .jumpIf(JumpOp.JNE, Register.R6, NR_GETPPID, "out");
        onlyProcess(b, tgid, "out");
        increment(b, counters, 0);
        return b.label("out").mov64(Register.R0, 0).exit().build();
    }

    /** XDP: counts frames of exactly {@code length} bytes, passes everything. */
    static Instructions countingXdpFrames(BpfMap counters, int length) {
        Instructions.Builder b = Instructions.builder()
                .load(Size.W, Register.R2, Register.R1, 0) // data
                .load(Size.W, Register.R3, Register.R1, 4) // data_end
                .append(AluOp.SUB.reg(Register.R3, Register.R2))
                .jumpIf(JumpOp.JNE, Register.R3, length, "out");
        increment(b, counters, 0);
        return b.label("out").mov64(Register.R0, 2 /* XDP_PASS */).exit().build();
    }

    /** Socket buffer programs (__sk_buff.len at offset 0): counts packets of {@code length}, returns verdict. */
    static Instructions countingSkbLength(BpfMap counters, int length, int verdict) {
        Instructions.Builder b = Instructions.builder()
                .load(Size.W, Register.R2, Register.R1, 0)
                .jumpIf(JumpOp.JNE, Register.R2, length, "out");
        increment(b, counters, 0);
        return b.label("out").mov64(Register.R0, verdict).exit().build();
    }

    /** Socket filter: keeps (and counts) only packets of {@code length}; drops the others. */
    static Instructions keepingOnlyLength(BpfMap counters, int length) {
        Instructions.Builder b = Instructions.builder()
                .load(Size.W, Register.R2, Register.R1, 0)
                .jumpIf(JumpOp.JNE, Register.R2, length, "drop");
        increment(b, counters, 0);
        return b.label("out").mov64(Register.R0, 0xffff).exit()
                .label("drop").mov64(Register.R0, 0).exit().build();
    }

    static BpfProgram load(String name, ProgramType type, AttachType attachType, Instructions instructions) {
        return BpfProgram.load(new ProgramSpec(name, type, instructions).attachType(attachType));
    }

    static BpfProgram load(String name, ProgramType type, Instructions instructions) {
        return load(name, type, AttachType.NONE, instructions);
    }
}
