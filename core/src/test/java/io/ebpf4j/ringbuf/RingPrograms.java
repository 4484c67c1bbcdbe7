package io.ebpf4j.ringbuf;

import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.CallbackPrograms;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.ProgramSpec;
import io.ebpf4j.ProgramType;
import io.ebpf4j.TestRun;
import io.ebpf4j.asm.AluOp;
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
import static io.ebpf4j.asm.Register.R8;
import static io.ebpf4j.asm.Register.R10;

/** Socket-filter programs that produce numbered records, run with BPF_PROG_TEST_RUN. */
final class RingPrograms {
    static final byte[] PACKET = new byte[64];

    private RingPrograms() {}

    /** One u64 array entry pair: [0] the next sequence number, [1] failed reserves. */
    static BpfMap counters() {
        return BpfMap.create(new MapSpec("counters", MapType.ARRAY).keySize(4).valueSize(16).maxEntries(1));
    }

    static BpfMap ring(int size) {
        return BpfMap.create(new MapSpec("events", MapType.RINGBUF).maxEntries(size));
    }

    static long counter(BpfMap counters, int index) {
        byte[] value = counters.lookup(new byte[4]).orElseThrow();
        return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getLong(8 * index);
    }

    /** Takes the next sequence number into r7, with r6 pointing at the counters; exits if the lookup fails. */
    static Instructions.Builder takeSequence(BpfMap counters) {
        return Instructions.builder()
                .storeImm(Size.W, R10, -4, 0)
                .mov64(R2, R10)
                .add64(R2, -4)
                .loadMapFd(R1, counters.fd())
                .call(Helper.MAP_LOOKUP_ELEM)
                .jumpIf(JumpOp.JEQ, R0, 0, "out")
                .mov64(R6, R0)
                .mov64(R7, 1)
                .atomicFetchAdd(Size.DW, R6, 0, R7);
    }

    /**
     * Each run reserves 8 bytes, writes its sequence number and submits the record (or discards it when the number
     * is odd and {@code discardOdd}); a failed reserve is counted in counters[1].
     */
    static BpfProgram sequenceProducer(BpfMap counters, BpfMap ring, boolean discardOdd) {
        Instructions.Builder b = takeSequence(counters)
                .loadMapFd(R1, ring.fd())
                .mov64(R2, 8)
                .mov64(R3, 0)
                .call(Helper.RINGBUF_RESERVE)
                .jumpIf(JumpOp.JNE, R0, 0, "reserved")
                .mov64(R1, 1)
                .atomicAdd(Size.DW, R6, 8, R1)
                .ja("out")
                .label("reserved")
                .store(Size.DW, R0, 0, R7)
                .mov64(R1, R0)
                .mov64(R2, 0);
        if (discardOdd) {
            b.mov64(R8, R7).append(AluOp.AND.imm(R8, 1)).jumpIf(JumpOp.JNE, R8, 0, "discard");
        }
        b.call(Helper.RINGBUF_SUBMIT).ja("out");
        if (discardOdd) {
            b.label("discard").call(Helper.RINGBUF_DISCARD);
        }
        Instructions insns = b.label("out").mov64(R0, 0).exit().build();
        return BpfProgram.load(new ProgramSpec("rb_seq", ProgramType.SOCKET_FILTER, insns));
    }

    /** Each run writes {@code size} bytes (its sequence number, then the bytes {@code i & 0xff}) with bpf_ringbuf_output. */
    static BpfProgram outputProducer(BpfMap counters, BpfMap ring, int size) {
        Instructions.Builder b = takeSequence(counters);
        int base = -8 - size; // room below the key slot
        b.store(Size.DW, R10, base, R7);
        for (int i = 8; i < size; i += 8) {
            long pattern = 0;
            for (int j = 0; j < 8; j++) {
                pattern |= (long) ((i + j) & 0xff) << (8 * j);
            }
            b.loadImm64(R1, pattern).store(Size.DW, R10, base + i, R1);
        }
        Instructions insns = b.loadMapFd(R1, ring.fd())
                .mov64(R2, R10)
                .add64(R2, base)
                .mov64(R3, size)
                .mov64(R4, 0)
                .call(Helper.RINGBUF_OUTPUT)
                .label("out")
                .mov64(R0, 0)
                .exit()
                .build();
        return BpfProgram.load(new ProgramSpec("rb_output", ProgramType.SOCKET_FILTER, insns));
    }

    /**
     * Drains a user ring buffer; the callback adds each record's first u64 to counters[1] and counts it in
     * counters[0].
     */
    static BpfProgram userRingDrainer(BpfMap counters, BpfMap userRing) {
        Instructions insns = Instructions.builder()
                .loadMapFd(R1, userRing.fd())
                .loadFunctionReference(R2, "on_record")
                .mov64(R3, 0)
                .mov64(R4, 0)
                .call(Helper.USER_RINGBUF_DRAIN)
                .mov64(R0, 0)
                .exit()
                .function("on_record")
                .mov64(R6, R1)
                .mov64(R1, R10)
                .add64(R1, -8)
                .mov64(R2, 8)
                .mov64(R3, R6)
                .mov64(R4, 0)
                .mov64(R5, 0)
                .call(Helper.DYNPTR_READ)
                .jumpIf(JumpOp.JNE, R0, 0, "done")
                .storeImm(Size.W, R10, -12, 0)
                .mov64(R2, R10)
                .add64(R2, -12)
                .loadMapFd(R1, counters.fd())
                .call(Helper.MAP_LOOKUP_ELEM)
                .jumpIf(JumpOp.JEQ, R0, 0, "done")
                .load(Size.DW, R1, R10, -8)
                .atomicAdd(Size.DW, R0, 8, R1)
                .mov64(R1, 1)
                .atomicAdd(Size.DW, R0, 0, R1)
                .label("done")
                .mov64(R0, 0)
                .exit()
                .build();
        return CallbackPrograms.load(new ProgramSpec("urb_drain", ProgramType.SOCKET_FILTER, insns));
    }

    static void run(BpfProgram program, int times) {
        program.testRun(TestRun.of(PACKET).withRepeat(times));
    }
}
