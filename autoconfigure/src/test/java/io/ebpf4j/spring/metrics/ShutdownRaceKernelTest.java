package io.ebpf4j.spring.metrics;

import io.ebpf4j.BpfCollection;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.UpdateFlags;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.actuate.EbpfEndpoint;
import io.ebpf4j.testing.RequiresKernel;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Metrics scrapes, endpoint reads and writes, and direct map writes, all running while the context shuts down, and
 * on after it: once the collection's descriptors are closed, new maps of the same shape are created at once and get
 * the freed descriptor numbers. No thread may see anything but documented outcomes, no stale handle may write into a
 * new map (its key must not appear there) or read one (its sentinel entry must never show in a scrape or a listing).
 */
@RequiresKernel
class ShutdownRaceKernelTest {
    private static final String C = "ebpf.collections.sys.";
    private static final int ROUNDS = 25;
    /** {@code struct packet_key} {port 443, proto 6, op 42}, and {port 7777, proto 17, op 99} for the new maps. */
    private static final String KEY = "bb0106002a000000";
    private static final String SENTINEL = "611e110063000000";
    private static final String VALUE = "0500000000000000e803000000000000";
    private static final HexFormat HEX = HexFormat.of();

    private final ApplicationContextRunner runner = KernelFixtures.metricsCollection()
            .withPropertyValues(
                    C + "metrics.counters[0].name=net",
                    C + "metrics.counters[0].map=packets",
                    C + "metrics.counters[0].labels[0].name=port",
                    C + "metrics.counters[0].labels[0].field=port",
                    C + "metrics.counters[0].labels[1].name=proto",
                    C + "metrics.counters[0].labels[1].field=proto",
                    C + "metrics.counters[0].labels[2].name=op",
                    C + "metrics.counters[0].labels[2].field=op",
                    C + "metrics.counters[0].values[0].field=packets",
                    C + "metrics.counters[0].values[1].field=bytes");

    @Test
    void scrapesReadsAndWritesRacingShutdownNeverTouchARecycledDescriptor() {
        AtomicLong recycled = new AtomicLong();
        AtomicLong operations = new AtomicLong();
        AtomicLong refusedAfterClose = new AtomicLong();
        for (int round = 0; round < ROUNDS; round++) {
            runner.run(context -> {
                PrometheusMeterRegistry registry = context.getBean(PrometheusMeterRegistry.class);
                EbpfEndpoint endpoint = new EbpfEndpoint(context.getBean(EbpfCollections.class));
                BpfMap packets = context.getBean("sys.packets", BpfMap.class);
                Set<Integer> closedNumbers = new HashSet<>();
                context.getBean("sys", BpfCollection.class).maps().values()
                        .forEach(map -> closedNumbers.add(map.fd()));

                AtomicBoolean stop = new AtomicBoolean();
                ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
                List<Thread> threads = List.of(
                        worker("scrape", stop, violations, operations, refusedAfterClose, () -> {
                            if (registry.scrape().contains("port=\"7777\"")) {
                                violations.add("a scrape showed a new map's entry");
                            }
                        }),
                        worker("endpoint read", stop, violations, operations, refusedAfterClose, () -> {
                            EbpfEndpoint.MapContents contents = endpoint.map("sys", "packets", 100, 0);
                            if (contents != null && contents.entries().stream()
                                    .map(entry -> entry.get("rawKey")).anyMatch(SENTINEL::equals)) {
                                violations.add("the endpoint listed a new map's entry");
                            }
                            endpoint.collections();
                        }),
                        worker("endpoint write", stop, violations, operations, refusedAfterClose,
                                () -> endpoint.update("sys", "packets", "0x" + KEY, "0x" + VALUE)),
                        worker("map write", stop, violations, operations, refusedAfterClose,
                                () -> packets.update(HEX.parseHex(KEY), HEX.parseHex(VALUE), UpdateFlags.ANY)));
                long operationsBefore = operations.get();
                threads.forEach(Thread::start);
                awaitAbove(operations, operationsBefore + 200);

                context.close();
                List<BpfMap> successors = new ArrayList<>();
                try {
                    for (int i = 0; i < 16; i++) {
                        BpfMap successor = BpfMap.create(new MapSpec("successor", MapType.HASH).keySize(8)
                                .valueSize(16).maxEntries(16));
                        successors.add(successor);
                        successor.update(HEX.parseHex(SENTINEL), HEX.parseHex(VALUE), UpdateFlags.ANY);
                        if (closedNumbers.contains(successor.fd())) {
                            recycled.incrementAndGet();
                        }
                    }
                    // the workers keep going against the closed objects, now next to the new maps
                    long refusedBefore = refusedAfterClose.get();
                    awaitAbove(refusedAfterClose, refusedBefore + 200);
                    stop.set(true);
                    for (Thread thread : threads) {
                        thread.join();
                    }
                    assertThat(violations).isEmpty();
                    for (BpfMap successor : successors) {
                        assertThat(successor.lookup(HEX.parseHex(KEY))).as("a stale write reached a new map (fd %d)",
                                successor.fd()).isEmpty();
                    }
                } finally {
                    stop.set(true);
                    successors.forEach(BpfMap::close);
                }
            });
        }
        assertThat(recycled.get()).as("new maps that got a closed map's descriptor number").isPositive();
        assertThat(refusedAfterClose.get()).as("operations refused because the objects were closed").isPositive();
        System.out.printf("[reliability] shutdown race: %d contexts closed under 4 threads (scrape, endpoint read,"
                + " endpoint write, map write), %d operations, %d refused as closed, %d new maps on recycled"
                + " descriptor numbers, none touched%n", ROUNDS, operations.get(), refusedAfterClose.get(),
                recycled.get());
    }

    private static void awaitAbove(AtomicLong counter, long value) {
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                .until(() -> counter.get() > value);
    }

    /**
     * A thread repeating {@code operation} until {@code stop}. The documented outcomes once the collection is closed:
     * a {@link BpfException} saying so, or the endpoint's 400 for a map that is closed or no longer loaded.
     */
    private static Thread worker(String name, AtomicBoolean stop, ConcurrentLinkedQueue<String> violations,
            AtomicLong operations, AtomicLong refused, ThrowingRunnable operation) {
        Thread thread = new Thread(() -> {
            while (!stop.get()) {
                try {
                    operation.run();
                    operations.incrementAndGet();
                } catch (BpfException e) {
                    if (!e.getMessage().contains("closed")) {
                        violations.add(name + ": " + e);
                    }
                    refused.incrementAndGet();
                } catch (InvalidEndpointRequestException e) {
                    if (!e.getReason().equals("unknown map") && !e.getMessage().contains("closed")) {
                        violations.add(name + ": " + e);
                    }
                    refused.incrementAndGet();
                } catch (Throwable e) {
                    violations.add(name + ": " + e);
                    return;
                }
            }
        }, name);
        thread.setDaemon(true);
        return thread;
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
