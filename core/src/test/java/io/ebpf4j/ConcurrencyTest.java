package io.ebpf4j;

import io.ebpf4j.testing.Fixtures;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads on the same map while a BPF program writes it from the kernel: every value read must be whole (sealed
 * for some key), what the map holds must be sealed for its own key, iterations must end, and only documented
 * exceptions may occur. And: operations racing with close never touch the object that later gets the same descriptor
 * number.
 *
 * <p>A single-element lookup racing with a delete may return the value of <em>another</em> key: since Linux 6.1 hash
 * map elements are type-safe-by-RCU (kernel commit 0fd7c5d43339, "bpf: Optimize call_rcu in non-preallocated hash
 * map"), so an element found by a lookup can be freed and reused for another key before the kernel copies its value
 * out. Seen about once in three runs on a loaded 2-CPU VM, through JNA and through java.lang.foreign alike. Batch
 * lookups copy under the bucket lock and must always match.
 */
@RequiresKernel(programTypes = ProgramType.XDP)
class ConcurrencyTest {
    private static final long SEAL = 0x5ea15ea15ea15ea1L;
    private static final Duration RUN = Duration.ofSeconds(5);
    private static final long KEYS = 128;

    static byte[] key(long k) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(k).array();
    }

    static byte[] sealed(long k, long count) {
        return ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(count).putLong(k ^ count ^ SEAL)
                .array();
    }

    /**
     * Records a value that is not sealed for {@code k}: a corruption, unless {@code reuseAllowed} (single-element
     * lookups) and it is whole, sealed for another key of the map, which the kernel's element reuse explains.
     */
    static void verify(String reader, long k, ByteBuffer value, int offset, List<String> corruptions,
            boolean reuseAllowed, AtomicLong reused) {
        long count = value.getLong(offset);
        long check = value.getLong(offset + 8);
        long sealedFor = count ^ check ^ SEAL;
        if (sealedFor == k) {
            return;
        }
        if (reuseAllowed && sealedFor >= 0 && sealedFor < KEYS) {
            reused.incrementAndGet();
            return;
        }
        corruptions.add(reader + " of key " + k + ": count " + count + ", check " + Long.toHexString(check)
                + " (sealed for key " + sealedFor + ")");
    }

    @Test
    void sixteenThreadsAndTheKernelOnOneMap() throws Exception {
        try (BpfCollection coll = BpfCollection.load(CollectionSpec.load(Fixtures.bytes("concurrency.bpf.o")))) {
            BpfMap map = coll.map("shared");
            List<String> corruptions = new java.util.concurrent.CopyOnWriteArrayList<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong operations = new AtomicLong();
            AtomicLong aborted = new AtomicLong();
            AtomicLong reused = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            threads.add(new Thread(() -> {
                while (running.get()) {
                    coll.program("bump").testRun(TestRun.of(new byte[64]).withRepeat(100));
                    operations.addAndGet(100);
                }
            }));
            for (int t = 0; t < 4; t++) {
                threads.add(new Thread(() -> { // writers of keys 64..127 (the kernel owns 0..63)
                    while (running.get()) {
                        long k = 64 + ThreadLocalRandom.current().nextLong(64);
                        map.put(key(k), sealed(k, ThreadLocalRandom.current().nextLong()));
                        operations.incrementAndGet();
                    }
                }));
                threads.add(new Thread(() -> { // readers of every key
                    byte[] value = new byte[16];
                    while (running.get()) {
                        long k = ThreadLocalRandom.current().nextLong(128);
                        if (map.lookup(key(k), value)) {
                            verify("lookup", k, ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()), 0,
                                    corruptions, true, reused);
                        }
                        operations.incrementAndGet();
                    }
                }));
            }
            for (int t = 0; t < 2; t++) {
                threads.add(new Thread(() -> { // deleters
                    while (running.get()) {
                        map.delete(key(ThreadLocalRandom.current().nextLong(128)));
                        operations.incrementAndGet();
                    }
                }));
                threads.add(new Thread(() -> { // iterators
                    byte[] k = new byte[8];
                    byte[] v = new byte[16];
                    while (running.get()) {
                        MapIterator it = map.iterator();
                        try {
                            while (it.next(k, v)) {
                                verify("iterator", ByteBuffer.wrap(k).order(ByteOrder.nativeOrder()).getLong(),
                                        ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()), 0, corruptions, true,
                                        reused);
                            }
                        } catch (IterationAbortedException documented) {
                            aborted.incrementAndGet();
                        }
                        operations.incrementAndGet();
                    }
                }));
                threads.add(new Thread(() -> { // batch readers
                    BatchCursor cursor = map.batchCursor(32);
                    while (running.get()) {
                        cursor.reset();
                        while (map.batchLookup(cursor)) {
                            for (int i = 0; i < cursor.count(); i++) {
                                verify("batch lookup", cursor.keys().getLong(cursor.keyOffset(i)), cursor.values(),
                                        cursor.valueOffset(i), corruptions, false, reused);
                            }
                        }
                        operations.incrementAndGet();
                    }
                }));
            }
            for (int t = 0; t < 2; t++) {
                threads.add(new Thread(() -> { // batch writers of keys 64..127
                    ByteBuffer keys = ByteBuffer.allocate(8 * 8).order(ByteOrder.nativeOrder());
                    ByteBuffer values = ByteBuffer.allocate(8 * 16).order(ByteOrder.nativeOrder());
                    while (running.get()) {
                        for (int i = 0; i < 8; i++) {
                            long k = 64 + ThreadLocalRandom.current().nextLong(64);
                            keys.putLong(i * 8, k);
                            values.put(i * 16, sealed(k, ThreadLocalRandom.current().nextLong()));
                        }
                        map.batchUpdate(keys.array(), values.array(), 8, UpdateFlags.ANY);
                        operations.incrementAndGet();
                    }
                }));
            }
            threads.forEach(t -> t.setUncaughtExceptionHandler((thread, e) -> failures.add(e)));
            assertThat(threads).hasSizeGreaterThanOrEqualTo(16);
            threads.forEach(Thread::start);
            long deadline = System.nanoTime() + RUN.toNanos();
            while (System.nanoTime() < deadline && failures.isEmpty()) {
                Thread.onSpinWait();
                Thread.yield();
            }
            running.set(false);
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(30).toMillis());
                assertThat(t.isAlive()).as("thread finished (iterations terminate)").isFalse();
            }
            assertThat(failures).isEmpty();
            // What the map holds, read consistently once everything stopped: each entry sealed for its own key.
            BatchCursor all = map.batchCursor(32);
            while (map.batchLookup(all)) {
                for (int i = 0; i < all.count(); i++) {
                    verify("final batch lookup", all.keys().getLong(all.keyOffset(i)), all.values(),
                            all.valueOffset(i), corruptions, false, reused);
                }
            }
            assertThat(corruptions).isEmpty();
            assertThat(operations.get()).isGreaterThan(10_000);
        }
    }

    /**
     * A thread keeps writing a marker through a map handle while the handle is closed and new maps are created
     * (which get the freed descriptor numbers): it must fail with "closed", and no new map may ever see a marker.
     */
    @Test
    void racingCloseNeverTouchesARecycledDescriptor() throws Exception {
        MapSpec spec = new MapSpec("victim", MapType.HASH).keySize(8).valueSize(16).maxEntries(16);
        byte[] marker = sealed(7, 7);
        for (int round = 0; round < 200; round++) {
            BpfMap victim = BpfMap.create(spec);
            int number = victim.fd();
            AtomicBoolean sawClosed = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            Thread writer = new Thread(() -> {
                for (int i = 0; i < 100_000; i++) {
                    try {
                        victim.put(key(7), marker);
                    } catch (BpfException e) {
                        if (e.getMessage().contains("closed")) {
                            sawClosed.set(true);
                            return;
                        }
                        unexpected.add(e);
                        return;
                    }
                }
            });
            writer.start();
            victim.close();
            List<BpfMap> successors = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    successors.add(BpfMap.create(spec.copy().name("successor")));
                }
                writer.join();
                assertThat(unexpected).isEmpty();
                for (BpfMap successor : successors) {
                    assertThat(successor.lookup(key(7))).as("successor with fd %d (victim had %d)",
                            successor.fd(), number).isEmpty();
                }
                assertThat(sawClosed.get() || !writer.isAlive()).isTrue();
            } finally {
                successors.forEach(BpfMap::close);
            }
        }
    }
}
