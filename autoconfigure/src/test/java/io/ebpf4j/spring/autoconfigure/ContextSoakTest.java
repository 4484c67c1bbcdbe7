package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.ManagedCollection;
import io.ebpf4j.spring.ManagedCollection.Status;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.RequiresKernel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 200 Spring contexts started and stopped, each loading and attaching a collection: descriptors and the kernel's
 * programs and maps of this test are back where they were, and the heap (after GC) grows by less than 16 MiB.
 */
@Tag("soak")
@RequiresKernel
class ContextSoakTest {
    static final int CONTEXTS = 200;
    static final long HEAP_BOUND = 16L << 20;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EbpfAutoConfiguration.class))
            .withPropertyValues("ebpf.collections.soak.object=classpath:bpf/openat_counter.bpf.o",
                    "ebpf.collections.soak.constants.target_pid=self");

    @Test
    void twoHundredContextsLeaveNothingBehind() {
        // Kernel objects are told apart by id: other tests (or processes) may load the same object meanwhile.
        Set<Integer> programIds = new HashSet<>();
        Set<Integer> mapIds = new HashSet<>();
        runner.run(context -> recordIds(context, programIds, mapIds));
        awaitGone(programIds, mapIds);
        FdCount.Snapshot fds = FdCount.snapshot();
        long heap = heapAfterGc();
        long started = System.nanoTime();
        for (int i = 0; i < CONTEXTS; i++) {
            runner.run(context -> recordIds(context, programIds, mapIds));
        }
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        long heapGrowth = heapAfterGc() - heap;
        awaitGone(programIds, mapIds);
        long programsLeft = left(BpfProgram.allIds(), programIds);
        long mapsLeft = left(BpfMap.allIds(), mapIds);
        System.out.printf("[reliability] contexts: %d started and stopped in %d ms; descriptors left open: %d; programs and maps"
                + " left: %d, %d; heap %+d KiB%n", CONTEXTS, elapsedMs, fds.openedSince().size(), programsLeft, mapsLeft,
                heapGrowth >> 10);
        assertThat(programIds).as("distinct programs loaded").hasSizeGreaterThan(CONTEXTS);
        assertThat(fds.openedSince()).isEmpty();
        assertThat(programsLeft).isZero();
        assertThat(mapsLeft).isZero();
        assertThat(heapGrowth).isLessThan(HEAP_BOUND);
    }

    private static void recordIds(AssertableApplicationContext context, Set<Integer> programIds, Set<Integer> mapIds) {
        ManagedCollection soak = context.getBean(EbpfCollections.class).get("soak").orElseThrow();
        assertThat(soak.status()).isEqualTo(Status.ATTACHED);
        soak.collection().programs().values().forEach(program -> programIds.add(program.info().id()));
        soak.collection().maps().values().forEach(map -> mapIds.add(map.info().id()));
    }

    private static long left(List<Integer> ids, Set<Integer> ours) {
        return ids.stream().filter(ours::contains).count();
    }

    /** Closed programs and maps are freed by the kernel after an RCU grace period. */
    private static void awaitGone(Set<Integer> programIds, Set<Integer> mapIds) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((left(BpfProgram.allIds(), programIds) > 0 || left(BpfMap.allIds(), mapIds) > 0)
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
