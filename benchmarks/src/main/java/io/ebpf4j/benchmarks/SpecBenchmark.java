package io.ebpf4j.benchmarks;

import io.ebpf4j.BpfCollection;
import io.ebpf4j.CollectionSpec;
import io.ebpf4j.btf.Composite;
import io.ebpf4j.btf.EnumValue;
import io.ebpf4j.btf.Enumeration;
import io.ebpf4j.btf.Func;
import io.ebpf4j.btf.FuncProto;
import io.ebpf4j.btf.Member;
import io.ebpf4j.btf.Param;
import io.ebpf4j.btf.RawType;
import io.ebpf4j.btf.Spec;
import io.ebpf4j.btf.Struct;
import io.ebpf4j.btf.Type;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Reading a BPF object into a spec, loading it, and parsing the kernel's BTF — mirrored with libbpf by
 * {@code baseline/spec.c} (bpf_object__open_mem, bpf_object__open_mem + bpf_object__load, btf__parse + a walk over
 * every type name, btf__parse + a walk over every member, enumerator and parameter).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SpecBenchmark {
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    byte[] object;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        try (InputStream in = SpecBenchmark.class.getResourceAsStream("/bpf/five_programs.bpf.o")) {
            object = in.readAllBytes();
        }
    }

    @Benchmark
    public CollectionSpec specLoad() {
        return CollectionSpec.load(object);
    }

    @Benchmark
    public int collectionLoad() {
        try (BpfCollection collection = BpfCollection.load(CollectionSpec.load(object))) {
            return collection.programs().size();
        }
    }

    /**
     * The first open + load in a fresh JVM: class loading, linking of native calls, interpreted first parse. Each of
     * the 10 forks measures one call.
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(value = 10, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
    public int collectionLoadCold() {
        return collectionLoad();
    }

    /** Read, parse and index every type name (structs and the rest, then functions). */
    @Benchmark
    public Object vmlinuxBtf() throws IOException {
        Spec spec = Spec.parse(Files.readAllBytes(VMLINUX));
        spec.typeByName("task_struct", Struct.class);
        return spec.typeByName("do_sys_openat2", Func.class);
    }

    /**
     * Read, parse and visit every member, enumerator and parameter of every type through raw records, summing what
     * {@code walk} in {@code baseline/spec.c} sums.
     */
    @Benchmark
    public long vmlinuxWalk() throws IOException {
        Spec spec = Spec.parse(Files.readAllBytes(VMLINUX));
        long sum = 0;
        for (int id = 1, count = spec.typeCount(); id < count; id++) {
            RawType t = spec.rawType(id);
            sum += t.nameOffset();
            switch (t.kind()) {
                case STRUCT, UNION -> {
                    for (int i = 0, n = t.vlen(); i < n; i++) {
                        sum += t.memberNameOffset(i) + t.memberType(i) + t.memberBitOffset(i) + t.memberBitfieldSize(i);
                    }
                }
                case ENUM, ENUM64 -> {
                    for (int i = 0, n = t.vlen(); i < n; i++) {
                        sum += t.enumeratorNameOffset(i) + t.enumeratorValue(i);
                    }
                }
                case FUNC_PROTO -> {
                    for (int i = 0, n = t.vlen(); i < n; i++) {
                        sum += t.paramNameOffset(i) + t.paramType(i);
                    }
                }
                default -> { }
            }
        }
        return sum;
    }

    /** The same walk over inflated types (the optional object view; it needs a few hundred MB of heap). */
    @Benchmark
    public long vmlinuxWalkInflated() throws IOException {
        Spec spec = Spec.parse(Files.readAllBytes(VMLINUX));
        long sum = 0;
        for (int id = 1, count = spec.typeCount(); id < count; id++) {
            Type t = spec.typeById(id);
            if (t instanceof Composite c) {
                for (Member m : c.members()) {
                    sum += m.name().length() + m.bitOffset() + m.bitfieldSize();
                }
            } else if (t instanceof Enumeration e) {
                for (EnumValue v : e.values()) {
                    sum += v.name().length() + v.value();
                }
            } else if (t instanceof FuncProto p) {
                for (Param param : p.params()) {
                    sum += param.name().length();
                }
            }
        }
        return sum;
    }
}
