package io.ebpf4j.benchmarks;

import io.ebpf4j.BatchCursor;
import io.ebpf4j.BpfMap;
import io.ebpf4j.MapIterator;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.UpdateFlags;
import io.ebpf4j.internal.sys.Arch;
import io.ebpf4j.internal.sys.LibC;

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
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * Map operations on a u32 -> u64 hash map of 1,000,000 entries and a per-CPU hash of 100,000, mirrored by
 * {@code baseline/maps.c}, which issues the same syscalls from C. Keys follow the same full-period walk.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MapBenchmark {
    static final int ENTRIES = 1_000_000;
    static final int PER_CPU_ENTRIES = 100_000;
    static final long GETPPID = Arch.current() == Arch.AARCH64 ? 173 : 110;

    BpfMap hash;
    BpfMap perCpu;
    BatchCursor cursor;
    final byte[] key = new byte[4];
    final byte[] value = new byte[8];
    byte[] perCpuValue;
    long i;

    static int keyAt(long i, int n) {
        return (int) ((i * 7919L) % n);
    }

    @Setup(Level.Trial)
    public void setUp() {
        hash = BpfMap.create(new MapSpec("bench_hash", MapType.HASH).keySize(4).valueSize(8).maxEntries(ENTRIES));
        fill(hash, ENTRIES, 8);
        perCpu = BpfMap.create(new MapSpec("bench_pcpu", MapType.PERCPU_HASH).keySize(4).valueSize(8)
                .maxEntries(PER_CPU_ENTRIES));
        perCpuValue = new byte[perCpu.valueBufferSize()];
        fill(perCpu, PER_CPU_ENTRIES, perCpu.valueBufferSize());
        cursor = hash.batchCursor(8192);
    }

    private static void fill(BpfMap map, int n, int valueSize) {
        ByteBuffer keys = ByteBuffer.allocate(n * 4).order(ByteOrder.nativeOrder());
        for (int k = 0; k < n; k++) {
            keys.putInt(k * 4, k);
        }
        map.batchUpdate(keys.array(), new byte[n * valueSize], n, UpdateFlags.ANY);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        hash.close();
        perCpu.close();
    }

    private void setKey(int k) {
        // native order write without allocation
        key[0] = (byte) k;
        key[1] = (byte) (k >>> 8);
        key[2] = (byte) (k >>> 16);
        key[3] = (byte) (k >>> 24);
    }

    @Benchmark
    public void hashUpdate() {
        setKey(keyAt(i++, ENTRIES));
        hash.update(key, value, UpdateFlags.ANY);
    }

    @Benchmark
    public boolean hashLookup() {
        setKey(keyAt(i++, ENTRIES));
        return hash.lookup(key, value);
    }

    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public void hashIterate(Blackhole bh) {
        MapIterator it = hash.iterator();
        while (it.next(key, value)) {
            bh.consume(value);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public void hashBatchLookup(Blackhole bh) {
        cursor.reset();
        while (hash.batchLookup(cursor)) {
            bh.consume(cursor.count());
        }
    }

    @Benchmark
    public boolean perCpuLookup() {
        setKey(keyAt(i++, PER_CPU_ENTRIES));
        return perCpu.lookup(key, perCpuValue);
    }

    /** The floor of the operations above: one trivial system call through the same JNA entry point. */
    @Benchmark
    public long getppidSyscall() {
        return LibC.syscall(GETPPID, 0, 0, 0, 0, 0);
    }
}
