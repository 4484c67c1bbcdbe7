package io.ebpf4j.benchmarks;

import io.ebpf4j.BpfCollection;
import io.ebpf4j.CollectionSpec;
import io.ebpf4j.link.Links;
import io.ebpf4j.spring.autoconfigure.EbpfAutoConfiguration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the starter adds to a context's start-up, beyond the kernel's own work. Each operation starts a context (or,
 * for {@link #coreLoadAttach}, does by hand what the starter does for one collection of three maps and two
 * tracepoint programs: read the object, set a constant, load, attach); closing happens outside the measured time,
 * after each operation.
 *
 * <pre>
 *   starter overhead = springWithCollection - springWithStarterNoCollection - coreLoadAttach
 *   cost of the auto-configuration alone = springWithStarterNoCollection - springWithoutStarter
 * </pre>
 *
 * Warm: {@code java -jar benchmarks/target/benchmarks.jar StarterStartupBenchmark} (as root). The first start in a
 * fresh JVM (class loading included) is measured with {@code -bm ss -wi 0 -i 1 -f 20}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class StarterStartupBenchmark {
    static final String OBJECT = "bpf/syscall_counters.bpf.o";

    /** What the last operation started, closed after it. */
    private final List<AutoCloseable> started = new ArrayList<>();

    @Benchmark
    public void springWithoutStarter() {
        started.add(start(WithoutStarter.class, Map.of()));
    }

    @Benchmark
    public void springWithStarterNoCollection() {
        started.add(start(WithStarter.class, Map.of()));
    }

    @Benchmark
    public void springWithCollection() {
        started.add(start(WithStarter.class, Map.of("ebpf.collections.counters.object", "classpath:" + OBJECT,
                "ebpf.collections.counters.constants.target_pid", "self")));
    }

    @Benchmark
    public void coreLoadAttach() {
        CollectionSpec spec;
        try (InputStream in = StarterStartupBenchmark.class.getClassLoader().getResourceAsStream(OBJECT)) {
            spec = CollectionSpec.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        spec.variables().get("target_pid").set(ProcessHandle.current().pid());
        BpfCollection collection = BpfCollection.load(spec);
        started.add(collection);
        started.add(Links.tracepoint("syscalls", "sys_enter_openat", collection.program("count_openat")));
        started.add(Links.tracepoint("syscalls", "sys_enter_close", collection.program("count_close")));
    }

    /** Links first, then the collection: the reverse of starting. */
    @TearDown(Level.Invocation)
    public void close() throws Exception {
        Collections.reverse(started);
        for (AutoCloseable resource : started) {
            resource.close();
        }
        started.clear();
    }

    private static AnnotationConfigApplicationContext start(Class<?> configuration, Map<String, Object> properties) {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("benchmark", properties));
        context.register(configuration);
        context.refresh();
        return context;
    }

    @Configuration(proxyBeanMethods = false)
    static class WithoutStarter {
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(EbpfAutoConfiguration.class)
    static class WithStarter {
    }
}
