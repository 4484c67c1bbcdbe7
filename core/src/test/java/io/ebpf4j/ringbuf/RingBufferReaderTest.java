package io.ebpf4j.ringbuf;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.ProgramType;
import io.ebpf4j.testing.BlockedReaders;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.ProcessMaps;
import io.ebpf4j.testing.RequiresKernel;
import io.ebpf4j.testing.VirtualThreads;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@RequiresKernel(mapTypes = MapType.RINGBUF, programTypes = ProgramType.SOCKET_FILTER)
class RingBufferReaderTest {
    private static final int MILLION = 1_000_000;

    @Test
    void aMillionRecordsAreConsumedWhileProducedAndNoneIsLost() throws Exception {
        // 4 MiB holds 262,144 records of 16 bytes; the producer stays at most 150,000 records ahead of the consumer,
        // so the ring can never overflow, while both run at the same time.
        try (BpfMap counters = RingPrograms.counters(); BpfMap ring = RingPrograms.ring(4 << 20);
                BpfProgram producer = RingPrograms.sequenceProducer(counters, ring, false);
                RingBufferReader reader = RingBufferReader.open(ring)) {
            AtomicLong expected = new AtomicLong();
            AtomicReference<String> mismatch = new AtomicReference<>();
            CompletableFuture<Void> consumer = CompletableFuture.runAsync(() -> {
                long[] next = {0};
                while (next[0] < MILLION && mismatch.get() == null) {
                    reader.poll(view -> {
                        long seq = view.getLong(0);
                        if (seq != next[0] || view.length() != 8) {
                            mismatch.compareAndSet(null, "record " + next[0] + " was " + seq + " (" + view.length()
                                    + " bytes)");
                        }
                        next[0]++;
                    }, Duration.ofSeconds(5));
                }
                expected.set(next[0]);
            });
            int produced = 0;
            while (produced < MILLION) {
                if (produced - reader.recordsRead() > 150_000) {
                    Thread.sleep(1);
                    continue;
                }
                int batch = Math.min(50_000, MILLION - produced);
                RingPrograms.run(producer, batch);
                produced += batch;
            }
            consumer.get(60, TimeUnit.SECONDS);
            assertThat(mismatch.get()).isNull();
            assertThat(expected.get()).isEqualTo(MILLION);
            assertThat(reader.recordsRead()).isEqualTo(MILLION);
            assertThat(RingPrograms.counter(counters, 0)).isEqualTo(MILLION);
            assertThat(RingPrograms.counter(counters, 1)).as("failed reserves").isZero();
            assertThat(reader.availableBytes()).isZero();
        }
    }

    @Test
    void readAndReadIntoCopyRecordsAndReuseTheArray() {
        try (BpfMap counters = RingPrograms.counters(); BpfMap ring = RingPrograms.ring(1 << 16);
                BpfProgram producer = RingPrograms.outputProducer(counters, ring, 40);
                RingBufferReader reader = RingBufferReader.open(ring)) {
            RingPrograms.run(producer, 3);
            assertThat(reader.availableBytes()).isEqualTo(3 * 48);
            Record first = reader.read().orElseThrow();
            assertThat(first.length()).isEqualTo(40);
            assertThat(first.asByteBuffer().getLong(0)).isZero();
            assertThat(first.toByteArray()[8]).isEqualTo((byte) 8);
            assertThat(first.toByteArray()[39]).isEqualTo((byte) 39);
            assertThat(first.remaining()).isEqualTo(2 * 48);

            Record reused = new Record();
            assertThat(reader.readInto(reused)).isTrue();
            byte[] array = reused.array();
            assertThat(reused.asByteBuffer().getLong(0)).isEqualTo(1);
            assertThat(reader.readInto(reused)).isTrue();
            assertThat(reused.array()).isSameAs(array);
            assertThat(reused.asByteBuffer().getLong(0)).isEqualTo(2);
            assertThat(reused.remaining()).isZero();
            assertThat(reader.recordsRead()).isEqualTo(3);

            reader.setDeadline(Instant.now().minusSeconds(1));
            assertThat(reader.read()).isEmpty();
            assertThat(reader.readInto(reused)).isFalse();
            assertThat(reader.bufferSize()).isEqualTo(1 << 16);
        }
    }

    @Test
    void recordsThatWrapAroundTheEndAreContiguous() {
        // 4096 bytes hold 56 records of 72 bytes (4032) and wrap on the 57th: its bytes straddle the end of the
        // data area and are read in place through the kernel's second mapping of it.
        try (BpfMap counters = RingPrograms.counters(); BpfMap ring = RingPrograms.ring(4096);
                BpfProgram producer = RingPrograms.outputProducer(counters, ring, 64);
                RingBufferReader reader = RingBufferReader.open(ring)) {
            List<String> problems = new ArrayList<>();
            long[] next = {0};
            for (int round = 0; round < 20; round++) {
                RingPrograms.run(producer, 50);
                assertThat(reader.drain(view -> {
                    if (view.getLong(0) != next[0]++) {
                        problems.add("sequence " + view.getLong(0) + " at " + (next[0] - 1));
                    }
                    for (int i = 8; i < 64; i++) {
                        if (view.getByte(i) != (byte) i) {
                            problems.add("byte " + i + " of record " + view.getLong(0));
                        }
                    }
                })).isEqualTo(50);
            }
            assertThat(problems).isEmpty();
            assertThat(next[0]).isEqualTo(1000);
        }
    }

    @Test
    void aStalledConsumerLosesExactlyTheReservesTheProgramCountsAsFailed() {
        // 16 KiB hold 1023 records of 16 bytes (the kernel keeps the producer less than a whole ring ahead of the
        // consumer); the other 8,977 reserves fail and the program counts them.
        int capacity = (16 << 10) / 16 - 1;
        try (BpfMap counters = RingPrograms.counters(); BpfMap ring = RingPrograms.ring(16 << 10);
                BpfProgram producer = RingPrograms.sequenceProducer(counters, ring, false);
                RingBufferReader reader = RingBufferReader.open(ring)) {
            RingPrograms.run(producer, 10_000);
            long[] next = {0};
            int read = reader.drain(view -> assertThat(view.getLong(0)).isEqualTo(next[0]++));
            assertThat(read).isEqualTo(capacity);
            assertThat(RingPrograms.counter(counters, 1)).isEqualTo(10_000 - capacity);
            // The space is free again: the next runs succeed.
            RingPrograms.run(producer, 10);
            assertThat(reader.drain(view -> assertThat(view.getLong(0)).isGreaterThanOrEqualTo(10_000))).isEqualTo(10);
            assertThat(RingPrograms.counter(counters, 1)).isEqualTo(10_000 - capacity);
        }
    }

    @Test
    void discardedRecordsAreSkippedAndCounted() {
        try (BpfMap counters = RingPrograms.counters(); BpfMap ring = RingPrograms.ring(1 << 16);
                BpfProgram producer = RingPrograms.sequenceProducer(counters, ring, true);
                RingBufferReader reader = RingBufferReader.open(ring)) {
            RingPrograms.run(producer, 1000);
            List<Long> seen = new ArrayList<>();
            assertThat(reader.drain(view -> seen.add(view.getLong(0)))).isEqualTo(500);
            assertThat(seen).allMatch(seq -> seq % 2 == 0).hasSize(500);
            assertThat(reader.recordsRead()).isEqualTo(500);
            assertThat(reader.recordsDiscarded()).isEqualTo(500);
            assertThat(reader.availableBytes()).isZero();
        }
    }

    @Test
    void pollWaitsForARecordAndGivesUpAtTheTimeout() throws Exception {
        try (BpfMap counters = RingPrograms.counters(); BpfMap ring = RingPrograms.ring(1 << 16);
                BpfProgram producer = RingPrograms.sequenceProducer(counters, ring, false);
                RingBufferReader reader = RingBufferReader.open(ring)) {
            long start = System.nanoTime();
            assertThat(reader.poll(view -> { }, Duration.ofMillis(200))).isZero();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(190));

            CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> {
                long[] value = {-1};
                reader.poll(view -> value[0] = view.getLong(0), Duration.ofSeconds(10));
                return value[0];
            });
            Thread.sleep(100);
            RingPrograms.run(producer, 1);
            assertThat(first.get(5, TimeUnit.SECONDS)).isZero();

            reader.setDeadline(Instant.now().plusMillis(150));
            start = System.nanoTime();
            assertThat(reader.read()).isEmpty();
            assertThat(System.nanoTime() - start).isBetween(TimeUnit.MILLISECONDS.toNanos(140),
                    TimeUnit.SECONDS.toNanos(5));
            reader.setDeadline(null);
        }
    }

    @Test
    void closeWakesABlockedPlatformThreadWithin100Milliseconds() throws Exception {
        assertCloseWakesReader(false);
    }

    @Test
    void closeWakesABlockedVirtualThreadWithin100Milliseconds() throws Exception {
        assumeTrue(VirtualThreads.available(), "virtual threads need Java 21+");
        assertCloseWakesReader(true);
    }

    private static void assertCloseWakesReader(boolean virtual) throws Exception {
        try (BpfMap ring = RingPrograms.ring(1 << 16)) {
            RingBufferReader reader = RingBufferReader.open(ring);
            BlockedReaders.Wakeup wakeup = BlockedReaders.closeWhileBlocked(reader, reader::read, virtual);
            assertThat(wakeup.millisAfterClose()).as("ms from close() to the reader waking").isLessThan(100);
            assertThat(wakeup.failure()).isInstanceOf(BpfException.class).hasMessageContaining("closed");
            assertThat(reader.isClosed()).isTrue();
        }
    }

    @Test
    void closeDuringAVisitDefersTheUnmappingUntilTheVisitEnds() throws Exception {
        try (BpfMap counters = RingPrograms.counters(); BpfMap ring = RingPrograms.ring(1 << 16);
                BpfProgram producer = RingPrograms.sequenceProducer(counters, ring, false)) {
            RingBufferReader reader = RingBufferReader.open(ring);
            RingPrograms.run(producer, 2);
            CountDownLatch inVisit = new CountDownLatch(1);
            CountDownLatch closed = new CountDownLatch(1);
            CompletableFuture<List<Long>> visited = CompletableFuture.supplyAsync(() -> {
                List<Long> values = new ArrayList<>();
                reader.drain(view -> {
                    inVisit.countDown();
                    try {
                        closed.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    values.add(view.getLong(0)); // still mapped: the drain holds the mapping
                });
                return values;
            });
            assertThat(inVisit.await(5, TimeUnit.SECONDS)).isTrue();
            reader.close();
            closed.countDown();
            assertThat(visited.get(5, TimeUnit.SECONDS)).containsExactly(0L, 1L);
            assertThatThrownBy(() -> reader.drain(view -> { })).isInstanceOf(BpfException.class)
                    .hasMessageContaining("ring buffer reader of map 'events' is closed");
            assertThatThrownBy(reader::availableBytes).isInstanceOf(BpfException.class);
        }
    }

    @Test
    void aViewIsUsableOnlyInsideItsVisit() throws Exception {
        try (BpfMap counters = RingPrograms.counters(); BpfMap ring = RingPrograms.ring(1 << 16);
                BpfProgram producer = RingPrograms.sequenceProducer(counters, ring, false);
                RingBufferReader reader = RingBufferReader.open(ring)) {
            RingPrograms.run(producer, 1);
            AtomicReference<RecordView> kept = new AtomicReference<>();
            AtomicReference<Throwable> otherThread = new AtomicReference<>();
            reader.drain(view -> {
                kept.set(view);
                Thread t = new Thread(() -> {
                    try {
                        view.getLong(0);
                    } catch (Throwable e) {
                        otherThread.set(e);
                    }
                });
                t.start();
                try {
                    t.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                assertThatThrownBy(() -> view.getLong(4)).isInstanceOf(IndexOutOfBoundsException.class);
                assertThat(view.toByteArray()).hasSize(8);
            });
            assertThat(otherThread.get()).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> kept.get().getLong(0)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("valid only inside the visitor call");
        }
    }

    @Test
    void aVisitorExceptionConsumesItsRecordAndPropagates() {
        try (BpfMap counters = RingPrograms.counters(); BpfMap ring = RingPrograms.ring(1 << 16);
                BpfProgram producer = RingPrograms.sequenceProducer(counters, ring, false);
                RingBufferReader reader = RingBufferReader.open(ring)) {
            RingPrograms.run(producer, 3);
            assertThatThrownBy(() -> reader.drain(view -> {
                if (view.getLong(0) == 1) {
                    throw new IllegalArgumentException("boom");
                }
            })).hasMessage("boom");
            List<Long> rest = new ArrayList<>();
            reader.drain(view -> rest.add(view.getLong(0)));
            assertThat(rest).containsExactly(2L);
        }
    }

    @Test
    void noDescriptorOrMappingLeaksAcrossAThousandOpenCloseCycles() {
        try (BpfMap ring = RingPrograms.ring(1 << 16)) {
            for (int i = 0; i < 20; i++) {
                RingBufferReader.open(ring).close();
            }
            FdCount.Snapshot fds = FdCount.snapshot();
            long bpfMappings = ProcessMaps.bpfAndPerfMappings();
            int mapLines = ProcessMaps.lines().size();
            for (int i = 0; i < 1000; i++) {
                try (RingBufferReader reader = RingBufferReader.open(ring)) {
                    reader.drain(view -> { });
                }
            }
            assertThat(fds.openedSince()).isEmpty();
            assertThat(ProcessMaps.bpfAndPerfMappings()).isEqualTo(bpfMappings);
            assertThat(ProcessMaps.lines().size()).as("mappings after 1000 cycles, against %d before", mapLines)
                    .isLessThanOrEqualTo(mapLines + ProcessMaps.JVM_CHURN);
        }
    }

    @Test
    void misuseGivesClearErrors() {
        try (BpfMap hash = BpfMap.create(new MapSpec("not_ring", MapType.HASH).keySize(4).valueSize(4)
                .maxEntries(1))) {
            assertThatThrownBy(() -> RingBufferReader.open(hash)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("map 'not_ring' is a HASH map, but a ring buffer reader needs a RINGBUF map");
        }
        try (BpfMap user = BpfMap.create(new MapSpec("user", MapType.USER_RINGBUF).maxEntries(4096))) {
            assertThatThrownBy(() -> RingBufferReader.open(user)).hasMessageContaining("UserRingBuffer");
        }
        BpfMap closed = RingPrograms.ring(4096);
        closed.close();
        assertThatThrownBy(() -> RingBufferReader.open(closed)).isInstanceOf(BpfException.class)
                .hasMessage("cannot open a ring buffer reader: map 'events' is closed");
        try (BpfMap ring = RingPrograms.ring(4096); RingBufferReader reader = RingBufferReader.open(ring)) {
            assertThatThrownBy(() -> reader.readInto(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> reader.poll(view -> { }, Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
            reader.close();
            reader.close();
            assertThatThrownBy(reader::read).isInstanceOf(BpfException.class).hasMessageContaining("closed");
        }
    }

    @Test
    void theReaderOutlivesTheMapHandle() {
        try (BpfMap counters = RingPrograms.counters()) {
            BpfMap ring = RingPrograms.ring(1 << 16);
            BpfProgram producer = RingPrograms.sequenceProducer(counters, ring, false);
            try (RingBufferReader reader = RingBufferReader.open(ring)) {
                ring.close();
                RingPrograms.run(producer, 5);
                Optional<Record> record = reader.read();
                assertThat(record).isPresent();
                assertThat(ByteBuffer.wrap(record.get().toByteArray()).order(ByteOrder.nativeOrder()).getLong())
                        .isZero();
            } finally {
                producer.close();
            }
        }
    }

    @Test
    void virtualThreadReadersDoNotHoldCarriers() throws Exception {
        assumeTrue(VirtualThreads.available(), "virtual threads need Java 21+");
        int readers = 4 * Runtime.getRuntime().availableProcessors() + 4;
        List<BpfMap> maps = new ArrayList<>();
        List<RingBufferReader> open = new ArrayList<>();
        try (BpfMap counters = RingPrograms.counters()) {
            List<BpfProgram> producers = new ArrayList<>();
            CountDownLatch received = new CountDownLatch(readers);
            for (int i = 0; i < readers; i++) {
                BpfMap ring = RingPrograms.ring(4096);
                maps.add(ring);
                producers.add(RingPrograms.sequenceProducer(counters, ring, false));
                RingBufferReader reader = RingBufferReader.open(ring);
                open.add(reader);
                VirtualThreads.start(() -> {
                    if (reader.read().isPresent()) {
                        received.countDown();
                    }
                });
            }
            Thread.sleep(200);
            // Every reader is waiting, yet a virtual thread still gets a carrier at once.
            CompletableFuture<Long> ran = new CompletableFuture<>();
            long start = System.nanoTime();
            VirtualThreads.start(() -> ran.complete(System.nanoTime()));
            assertThat(TimeUnit.NANOSECONDS.toMillis(ran.get(5, TimeUnit.SECONDS) - start)).isLessThan(100);
            for (BpfProgram producer : producers) {
                RingPrograms.run(producer, 1);
                producer.close();
            }
            assertThat(received.await(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            open.forEach(RingBufferReader::close);
            maps.forEach(BpfMap::close);
        }
    }
}
