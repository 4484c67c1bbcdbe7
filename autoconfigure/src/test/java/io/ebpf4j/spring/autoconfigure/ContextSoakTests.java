package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.ManagedCollection.Status;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.RequiresKernel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 200 Spring contexts started and stopped, each loading and attaching a collection: descriptors and the kernel's
 * programs and maps of this test are back where they were, and the heap (after GC) grows by less than 16 MiB.
 */
@Tag("soak")
@RequiresKernel
class ContextSoakTests {
    static final int CONTEXTS = 200;
    static final long HEAP_BOUND = 16L << 20;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EbpfAutoConfiguration.class))
            .withPropertyValues("ebpf.collections.soak.object=classpath:bpf/openat_counter.bpf.o",
                    "ebpf.collections.soak.constants.target_pid=self");

    @Test
    void twoHundredContextsLeaveNothingBehind() {
        runner.run(context -> assertThat(context).hasNotFailed());
        awaitNoKernelObjects();
        int fds = FdCount.now();
        long heap = heapAfterGc();
        long started = System.nanoTime();
        for (int i = 0; i < CONTEXTS; i++) {
            runner.run(context -> assertThat(context.getBean(EbpfCollections.class).get("soak").orElseThrow()
                    .status()).isEqualTo(Status.ATTACHED));
        }
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        long heapGrowth = heapAfterGc() - heap;
        awaitNoKernelObjects();
        System.out.printf("[reliability] contexts: %d started and stopped in %d ms; fds %d -> %d; programs and maps"
                + " left: %d, %d; heap %+d KiB%n", CONTEXTS, elapsedMs, fds, FdCount.now(), ownPrograms(), ownMaps(),
                heapGrowth >> 10);
        assertThat(FdCount.now()).isEqualTo(fds);
        assertThat(ownPrograms()).isZero();
        assertThat(ownMaps()).isZero();
        assertThat(heapGrowth).isLessThan(HEAP_BOUND);
    }

    private static long ownPrograms() {
        return BpfProgram.allIds().stream().filter(id -> {
            try (BpfProgram program = BpfProgram.fromId(id)) {
                return program.name().equals("count_openat");
            } catch (RuntimeException gone) {
                return false;
            }
        }).count();
    }

    private static long ownMaps() {
        return BpfMap.allIds().stream().filter(id -> {
            try (BpfMap map = BpfMap.fromId(id)) {
                return map.name().equals("opens");
            } catch (RuntimeException gone) {
                return false;
            }
        }).count();
    }

    /** Closed programs and maps are freed by the kernel after an RCU grace period. */
    private static void awaitNoKernelObjects() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((ownPrograms() > 0 || ownMaps() > 0) && System.nanoTime() < deadline) {
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
