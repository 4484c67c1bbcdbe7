package io.ebpf4j.benchmarks;

import io.ebpf4j.BpfCollection;
import io.ebpf4j.CollectionSpec;
import io.ebpf4j.btf.Func;
import io.ebpf4j.btf.Spec;
import io.ebpf4j.btf.Struct;

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
 * every type name).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SpecBenchmark {
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

    /** Read, parse and index every type name (structs and the rest, then functions). */
    @Benchmark
    public Object vmlinuxBtf() throws IOException {
        Spec spec = Spec.parse(Files.readAllBytes(Path.of("/sys/kernel/btf/vmlinux")));
        spec.typeByName("task_struct", Struct.class);
        return spec.typeByName("do_sys_openat2", Func.class);
    }
}
