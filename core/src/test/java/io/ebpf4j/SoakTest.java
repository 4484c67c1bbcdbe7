package io.ebpf4j;

import io.ebpf4j.link.BpfLink;
import io.ebpf4j.link.Links;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.Fixtures;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 10,000 cycles of load → attach → read → detach → close. Nothing may accumulate: descriptors and the kernel's BPF
 * programs, maps and links return exactly to where they were; native memory (RSS beyond the JVM's heap and non-heap
 * areas) and heap (after GC) grow by less
 * than 16 MiB and 8 MiB over the second 5,000 cycles — the first half lets the JIT, code cache and malloc arenas
 * settle. A leak of 3.5 KiB of native memory or 1.7 KiB of heap per cycle would fail.
 */
@Tag("soak")
@RequiresKernel(programTypes = ProgramType.RAW_TRACEPOINT)
class SoakTest {
    static final int CYCLES = 10_000;
    static final long RSS_BOUND = 16L << 20;
    static final long HEAP_BOUND = 8L << 20;

    @Test
    void loadAttachReadDetachCloseTenThousandTimes() throws Exception {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("soak.bpf.o"));
        byte[] zero = new byte[4];
        awaitNoKernelObjects();
        FdCount.Snapshot fds = FdCount.snapshot();
        long started = System.nanoTime();
        long counted = 0;
        for (int i = 0; i < CYCLES / 2; i++) {
            counted += cycle(spec, zero);
        }
        long heap = heapAfterGc();
        long rss = rss();
        for (int i = 0; i < CYCLES / 2; i++) {
            counted += cycle(spec, zero);
        }
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        long heapGrowth = heapAfterGc() - heap;
        long rssGrowth = rss() - rss;
        awaitNoKernelObjects();
        System.out.printf("[reliability] soak: %d cycles in %d ms, %d syscalls counted; descriptors left open: %d;"
                + " programs, maps and links left: %d, %d, %d; second half: native RSS %+d KiB, heap %+d KiB%n",
                CYCLES, elapsedMs, counted, fds.openedSince().size(), ownPrograms(), ownMaps(), ownLinks(), rssGrowth >> 10, heapGrowth >> 10);
        assertThat(counted).as("every attached program ran").isPositive();
        assertThat(fds.openedSince()).isEmpty();
        assertThat(ownPrograms()).isZero();
        assertThat(ownMaps()).isZero();
        assertThat(ownLinks()).isZero();
        assertThat(rssGrowth).as("RSS growth outside heap and non-heap over the second half").isLessThan(RSS_BOUND);
        assertThat(heapGrowth).as("heap growth after GC over the second half").isLessThan(HEAP_BOUND);
    }

    /** The kernel frees closed programs and maps after an RCU grace period: wait, with a deadline, until it has. */
    private static void awaitNoKernelObjects() {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while ((ownPrograms() > 0 || ownMaps() > 0) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    /** One cycle; returns how often the program ran while attached. */
    private static long cycle(CollectionSpec spec, byte[] zero) throws IOException {
        try (BpfCollection collection = BpfCollection.load(spec)) {
            try (BpfLink link = Links.rawTracepoint("sys_enter", collection.program("count_calls"))) {
                Files.getLastModifiedTime(Path.of("/proc/self")); // at least one system call while attached
            }
            byte[] value = collection.map("calls").lookup(zero).orElseThrow();
            return java.nio.ByteBuffer.wrap(value).order(java.nio.ByteOrder.nativeOrder()).getLong();
        }
    }

    // The kernel's objects made by this test, found by their names (other processes may load BPF meanwhile).

    private static long ownPrograms() {
        return BpfProgram.allIds().stream().filter(id -> named(() -> BpfProgram.fromId(id), "count_calls")).count();
    }

    private static long ownMaps() {
        return BpfMap.allIds().stream().filter(id -> named(() -> BpfMap.fromId(id), "calls")).count();
    }

    private static long ownLinks() {
        java.util.Set<Integer> programs = new java.util.HashSet<>();
        for (int id : BpfProgram.allIds()) {
            if (named(() -> BpfProgram.fromId(id), "count_calls")) {
                programs.add(id);
            }
        }
        return Links.all().stream().filter(link -> programs.contains(link.programId())).count();
    }

    /** Whether the object with an id is called {@code name}; objects gone meanwhile are not. */
    private static boolean named(java.util.function.Supplier<? extends KernelObject> open, String name) {
        try (KernelObject object = open.get()) {
            return (object instanceof BpfProgram ? ((BpfProgram) object).name() : ((BpfMap) object).name())
                    .equals(name);
        } catch (BpfException gone) {
            return false;
        }
    }

    /**
     * Resident memory outside the JVM's own heap, metaspace and code cache (which grow as the JIT and the garbage
     * collector see fit): what native leaks would make grow.
     */
    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                long resident = Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
                java.lang.management.MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
                return resident - memory.getHeapMemoryUsage().getCommitted()
                        - memory.getNonHeapMemoryUsage().getCommitted();
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
