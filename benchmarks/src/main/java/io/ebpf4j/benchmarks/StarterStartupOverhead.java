package io.ebpf4j.benchmarks;

import io.ebpf4j.BpfCollection;
import io.ebpf4j.CollectionSpec;
import io.ebpf4j.link.Links;
import io.ebpf4j.spring.autoconfigure.EbpfAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What the starter adds to an application's start-up beyond the kernel's own work, for one collection of three maps
 * and two tracepoint programs with a constant ({@code bpf/syscall_counters.bpf.o}):
 *
 * <pre>
 *   overhead = start(context with the collection) - start(context with the starter, no collection) - core load+attach
 * </pre>
 *
 * where "core load+attach" does by hand what the starter does: read the object, set the constant, load, attach both
 * programs. Start-up is measured up to the end of {@code refresh()} (attaching included); closing is not measured.
 *
 * <p>The variants run interleaved in a shuffled order and the overhead is the median of the per-round differences:
 * on a shared machine whose load changes over a run, this is steadier than measuring each variant in its own block.
 * {@code warm} measures contexts started again and again in one JVM; {@code cold} the first start in fresh JVMs,
 * class loading included.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.ebpf4j.benchmarks.StarterStartupOverhead [warm|cold]     (as root)
 * </pre>
 */
public final class StarterStartupOverhead {
    static final String OBJECT = "bpf/syscall_counters.bpf.o";
    /** Prefix of the line a fresh JVM prints its start-up time on (the JVM may print warnings of its own). */
    static final String FIRST_START = "first start ms: ";

    enum Variant {
        /** An annotation-config context without the starter: the floor. */
        SPRING_WITHOUT_STARTER,
        /** The starter's auto-configuration with no collection declared. */
        STARTER_NO_COLLECTION,
        /** The starter loading and attaching the collection. */
        STARTER_WITH_COLLECTION,
        /** The same load and attach through the core API, without Spring. */
        CORE_LOAD_ATTACH
    }

    private StarterStartupOverhead() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "warm";
        switch (mode) {
            case "warm" -> warm(200, 400);
            case "cold" -> cold(15);
            case "first" -> System.out.println(FIRST_START + timeFirstStart(Variant.valueOf(args[1])));
            default -> throw new IllegalArgumentException("usage: [warm|cold]");
        }
    }

    private static void warm(int warmupRounds, int rounds) throws Exception {
        Map<Variant, List<Double>> times = run(warmupRounds + rounds, warmupRounds);
        report("warm: " + rounds + " rounds after " + warmupRounds + " warm-up rounds, one JVM", times);
    }

    private static Map<Variant, List<Double>> run(int rounds, int skipped) throws Exception {
        Map<Variant, List<Double>> times = new EnumMap<>(Variant.class);
        List<Variant> order = new ArrayList<>(Arrays.asList(Variant.values()));
        Random random = new Random(42);
        for (int round = 0; round < rounds; round++) {
            Collections.shuffle(order, random);
            for (Variant variant : order) {
                List<AutoCloseable> started = new ArrayList<>();
                long begin = System.nanoTime();
                start(variant, started);
                double millis = (System.nanoTime() - begin) / 1e6;
                close(started);
                if (round >= skipped) {
                    times.computeIfAbsent(variant, v -> new ArrayList<>()).add(millis);
                }
            }
        }
        return times;
    }

    /**
     * First starts in fresh JVMs, each variant twice per round: with the JDK's default class data sharing, and with
     * an application CDS archive that a training run of {@link Variant#STARTER_WITH_COLLECTION} wrote at exit
     * ({@code -XX:ArchiveClassesAtExit}), as Spring Boot documents for production start-up. The archive holds the
     * classes of Spring Boot, JNA and ebpf4j as loaded and verified, so the with-archive runs show what class loading
     * costs in the other runs.
     */
    private static void cold(int jvmsPerVariant) throws Exception {
        Path archive = Files.createTempFile("ebpf4j-startup", ".jsa");
        try {
            Files.delete(archive);
            firstStart(Variant.STARTER_WITH_COLLECTION, "-XX:ArchiveClassesAtExit=" + archive);
            if (!Files.exists(archive)) {
                throw new IllegalStateException("the training run wrote no CDS archive at " + archive);
            }
            Map<Variant, List<Double>> plain = new EnumMap<>(Variant.class);
            Map<Variant, List<Double>> shared = new EnumMap<>(Variant.class);
            List<Variant> order = new ArrayList<>(Arrays.asList(Variant.values()));
            Random random = new Random(42);
            for (int round = 0; round < jvmsPerVariant; round++) {
                Collections.shuffle(order, random);
                for (Variant variant : order) {
                    plain.computeIfAbsent(variant, v -> new ArrayList<>()).add(firstStart(variant, "-Xshare:auto"));
                    shared.computeIfAbsent(variant, v -> new ArrayList<>())
                            .add(firstStart(variant, "-XX:SharedArchiveFile=" + archive));
                }
            }
            report("cold: first start in " + jvmsPerVariant + " fresh JVMs per variant, default CDS", plain);
            report("cold: the same with an application CDS archive from a training run", shared);
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    /** Starts {@code variant} once in a fresh JVM with {@code jvmOption}; returns its start-up time in ms. */
    private static double firstStart(Variant variant, String jvmOption) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", jvmOption, "-cp",
                System.getProperty("java.class.path"), StarterStartupOverhead.class.getName(), "first", variant.name())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes()).trim();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(variant + " failed: " + output);
        }
        return output.lines().filter(line -> line.startsWith(FIRST_START)).findFirst()
                .map(line -> Double.parseDouble(line.substring(FIRST_START.length())))
                .orElseThrow(() -> new IllegalStateException(variant + " printed no start-up time: " + output));
    }

    private static double timeFirstStart(Variant variant) throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        long begin = System.nanoTime();
        start(variant, started);
        double millis = (System.nanoTime() - begin) / 1e6;
        close(started);
        return millis;
    }

    private static void start(Variant variant, List<AutoCloseable> started) {
        switch (variant) {
            case SPRING_WITHOUT_STARTER -> started.add(context(WithoutStarter.class, Map.of()));
            case STARTER_NO_COLLECTION -> started.add(context(WithStarter.class, Map.of()));
            case STARTER_WITH_COLLECTION -> started.add(context(WithStarter.class, Map.of(
                    "ebpf.collections.counters.object", "classpath:" + OBJECT,
                    "ebpf.collections.counters.constants.target_pid", "self")));
            case CORE_LOAD_ATTACH -> loadAndAttach(started);
        }
    }

    private static void loadAndAttach(List<AutoCloseable> started) {
        CollectionSpec spec;
        try (InputStream in = StarterStartupOverhead.class.getClassLoader().getResourceAsStream(OBJECT)) {
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

    private static AnnotationConfigApplicationContext context(Class<?> configuration, Map<String, Object> properties) {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("benchmark", properties));
        context.register(configuration);
        context.refresh();
        return context;
    }

    /** Links before the collection: the reverse of starting. */
    private static void close(List<AutoCloseable> started) throws Exception {
        Collections.reverse(started);
        for (AutoCloseable resource : started) {
            resource.close();
        }
    }

    private static void report(String title, Map<Variant, List<Double>> times) {
        System.out.println(title);
        System.out.printf("%-26s %9s %9s %9s%n", "variant", "p25 ms", "median ms", "p75 ms");
        times.forEach((variant, values) -> System.out.printf("%-26s %9.2f %9.2f %9.2f%n", variant,
                percentile(values, 25), percentile(values, 50), percentile(values, 75)));
        List<Double> overhead = new ArrayList<>();
        List<Double> autoConfiguration = new ArrayList<>();
        for (int i = 0; i < times.get(Variant.STARTER_WITH_COLLECTION).size(); i++) {
            overhead.add(times.get(Variant.STARTER_WITH_COLLECTION).get(i)
                    - times.get(Variant.STARTER_NO_COLLECTION).get(i) - times.get(Variant.CORE_LOAD_ATTACH).get(i));
            autoConfiguration.add(times.get(Variant.STARTER_NO_COLLECTION).get(i)
                    - times.get(Variant.SPRING_WITHOUT_STARTER).get(i));
        }
        System.out.printf("starter overhead for the collection (median of per-round differences): %.2f ms"
                + " (p25 %.2f, p75 %.2f)%n", percentile(overhead, 50), percentile(overhead, 25),
                percentile(overhead, 75));
        System.out.printf("auto-configuration without collections: %.2f ms (p25 %.2f, p75 %.2f)%n",
                percentile(autoConfiguration, 50), percentile(autoConfiguration, 25),
                percentile(autoConfiguration, 75));
    }

    private static double percentile(List<Double> values, int percent) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percent / 100));
    }

    @Configuration(proxyBeanMethods = false)
    static class WithoutStarter {
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(EbpfAutoConfiguration.class)
    static class WithStarter {
    }
}
