package io.ebpf4j.benchmarks;

import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.ProgramSpec;
import io.ebpf4j.ProgramType;
import io.ebpf4j.asm.Helper;
import io.ebpf4j.asm.Instructions;
import io.ebpf4j.asm.Register;
import io.ebpf4j.asm.Size;
import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.ringbuf.Record;
import io.ebpf4j.ringbuf.RecordView;
import io.ebpf4j.ringbuf.RingBufferReader;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Consumption of 64-byte ring buffer records, mirrored by {@code baseline/ringbuf.c}: before each invocation a BPF
 * program fills an 8 MiB ring with {@value #RECORDS} records ({@code bpf_ringbuf_output} run by
 * {@code BPF_PROG_TEST_RUN}, not timed); the benchmark then consumes them all, adding up each record's first u64.
 * Scores are per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RingBufferBenchmark {
    static final int RING_SIZE = 8 << 20;
    static final int RECORD_SIZE = 64;
    static final int RECORDS = 100_000;

    BpfMap ring;
    BpfProgram producer;
    RingBufferReader reader;
    /**
     * The BPF_PROG_TEST_RUN attributes, built once and passed to the raw syscall so that filling the ring allocates
     * nothing: the allocation profile then shows the consumer alone.
     */
    NativeBuffer testRun;
    /** The test run's input packet, referenced by address from {@link #testRun}. */
    NativeBuffer packet;
    final Record record = new Record(RECORD_SIZE);
    long sum;
    final Consumer<RecordView> addFirstLong = view -> sum += view.getLong(0);

    @Setup(Level.Trial)
    public void setUp() {
        ring = BpfMap.create(new MapSpec("bench_ring", MapType.RINGBUF).maxEntries(RING_SIZE));
        Instructions.Builder b = Instructions.builder();
        for (int i = 0; i < RECORD_SIZE; i += 8) {
            b.storeImm(Size.DW, Register.R10, -RECORD_SIZE + i, i + 1);
        }
        Instructions insns = b.loadMapFd(Register.R1, ring.fd())
                .mov64(Register.R2, Register.R10)
                .add64(Register.R2, -RECORD_SIZE)
                .mov64(Register.R3, RECORD_SIZE)
                .mov64(Register.R4, 0)
                .call(Helper.RINGBUF_OUTPUT)
                .mov64(Register.R0, 0)
                .exit()
                .build();
        producer = BpfProgram.load(new ProgramSpec("bench_rb_out", ProgramType.SOCKET_FILTER, insns));
        reader = RingBufferReader.open(ring);
        packet = new NativeBuffer(64);
        testRun = new NativeBuffer(80).clear(80);
        testRun.buffer().putInt(0, producer.fd());
        testRun.buffer().putInt(8, 64);
        testRun.buffer().putLong(16, packet.address());
        testRun.buffer().putInt(32, RECORDS);
    }

    @Setup(Level.Invocation)
    public void fill() {
        long r = Bpf.call(Bpf.PROG_TEST_RUN, testRun, 80);
        if (r < 0) {
            throw new IllegalStateException("BPF_PROG_TEST_RUN failed: errno " + -r);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        reader.close();
        producer.close();
        ring.close();
    }

    /** The zero-copy path: each record visited in place. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long ringbufConsume() {
        int n = reader.drain(addFirstLong);
        if (n != RECORDS) {
            throw new IllegalStateException("consumed " + n + " records, expected " + RECORDS);
        }
        return sum;
    }

    /** The copying path: each record copied into one reused {@link Record}. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long ringbufReadInto() {
        long total = 0;
        for (int i = 0; i < RECORDS; i++) {
            if (!reader.readInto(record)) {
                throw new IllegalStateException("ring empty after " + i + " records");
            }
            total += record.array()[0];
        }
        return total;
    }
}
