package io.ebpf4j.perf;

import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.ProgramSpec;
import io.ebpf4j.ProgramType;
import io.ebpf4j.TestRun;
import io.ebpf4j.asm.Helper;
import io.ebpf4j.asm.Instructions;
import io.ebpf4j.asm.JumpOp;
import io.ebpf4j.asm.Size;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.ebpf4j.asm.Register.R0;
import static io.ebpf4j.asm.Register.R1;
import static io.ebpf4j.asm.Register.R2;
import static io.ebpf4j.asm.Register.R3;
import static io.ebpf4j.asm.Register.R4;
import static io.ebpf4j.asm.Register.R5;
import static io.ebpf4j.asm.Register.R6;
import static io.ebpf4j.asm.Register.R7;
import static io.ebpf4j.asm.Register.R9;
import static io.ebpf4j.asm.Register.R10;

/** A socket-filter program that sends numbered samples to a perf event array, run with BPF_PROG_TEST_RUN. */
final class PerfPrograms {
    static final byte[] PACKET = new byte[64];
    /** {@code BPF_F_CURRENT_CPU}: the ring of the CPU the program runs on. */
    private static final long CURRENT_CPU = 0xffffffffL;

    private PerfPrograms() {}

    /** [0] the next sequence number, [1] outputs that failed. */
    static BpfMap counters() {
        return BpfMap.create(new MapSpec("counters", MapType.ARRAY).keySize(4).valueSize(16).maxEntries(1));
    }

    static BpfMap events() {
        return BpfMap.create(new MapSpec("events", MapType.PERF_EVENT_ARRAY).keySize(4).valueSize(4));
    }

    static long counter(BpfMap counters, int index) {
        byte[] value = counters.lookup(new byte[4]).orElseThrow();
        return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getLong(8 * index);
    }

    /**
     * Each run sends {@code size} bytes to the current CPU's ring: its sequence number, then the bytes
     * {@code i & 0xff}. A failed output is counted in counters[1].
     */
    static BpfProgram producer(BpfMap counters, BpfMap events, int size) {
        int base = -8 - size;
        Instructions.Builder b = Instructions.builder()
                .mov64(R9, R1)
                .storeImm(Size.W, R10, -4, 0)
                .mov64(R2, R10)
                .add64(R2, -4)
                .loadMapFd(R1, counters.fd())
                .call(Helper.MAP_LOOKUP_ELEM)
                .jumpIf(JumpOp.JEQ, R0, 0, "out")
                .mov64(R6, R0)
                .mov64(R7, 1)
                .atomicFetchAdd(Size.DW, R6, 0, R7)
                .store(Size.DW, R10, base, R7);
        for (int i = 8; i < size; i += 8) {
            long pattern = 0;
            for (int j = 0; j < 8; j++) {
                pattern |= (long) ((i + j) & 0xff) << (8 * j);
            }
            b.loadImm64(R1, pattern).store(Size.DW, R10, base + i, R1);
        }
        Instructions insns = b.mov64(R1, R9)
                .loadMapFd(R2, events.fd())
                .loadImm64(R3, CURRENT_CPU)
                .mov64(R4, R10)
                .add64(R4, base)
                .mov64(R5, size)
                .call(Helper.PERF_EVENT_OUTPUT)
                .jumpIf(JumpOp.JEQ, R0, 0, "out")
                .mov64(R1, 1)
                .atomicAdd(Size.DW, R6, 8, R1)
                .label("out")
                .mov64(R0, 0)
                .exit()
                .build();
        return BpfProgram.load(new ProgramSpec("perf_seq", ProgramType.SOCKET_FILTER, insns));
    }

    static void run(BpfProgram program, int times) {
        program.testRun(TestRun.of(PACKET).withRepeat(times));
    }
}
