package io.ebpf4j.perf;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.ProgramType;
import io.ebpf4j.internal.Cpus;
import io.ebpf4j.testing.BlockedReaders;
import io.ebpf4j.testing.CpuAffinity;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.KernelThreads;
import io.ebpf4j.testing.ProcessMaps;
import io.ebpf4j.testing.RequiresKernel;
import io.ebpf4j.testing.VirtualThreads;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@RequiresKernel(mapTypes = MapType.PERF_EVENT_ARRAY, programTypes = ProgramType.SOCKET_FILTER)
class PerfReaderTest {
    private static final int MILLION = 1_000_000;
    private static final int PAGE = 4096;

    @Test
    void aMillionSamplesAreConsumedWhileProducedAndNoneIsLost() throws Exception {
        // A sample of 8 bytes takes 24 in a ring. 4 MiB per CPU hold 174,762 of them; the producer stays at most
        // 100,000 ahead of the consumer, so even one CPU's ring cannot overflow, while both run at the same time.
        try (BpfMap counters = PerfPrograms.counters(); BpfMap events = PerfPrograms.events();
                BpfProgram producer = PerfPrograms.producer(counters, events, 8);
                PerfReader reader = PerfReader.open(events, PerfReaderOptions.defaults()
                        .withPerCpuBufferSize(4 << 20))) {
            BitSet seen = new BitSet(MILLION);
            long[] lastPerCpu = new long[Cpus.possible()];
            java.util.Arrays.fill(lastPerCpu, -1);
            AtomicReference<String> problem = new AtomicReference<>();
            AtomicLong lostNotices = new AtomicLong();
            CompletableFuture<Void> consumer = CompletableFuture.runAsync(() -> {
                while (reader.recordsRead() < MILLION && problem.get() == null) {
                    reader.poll(view -> {
                        if (view.lostSamples() > 0) {
                            lostNotices.incrementAndGet();
                            return;
                        }
                        long seq = view.getLong(0);
                        int cpu = view.cpu();
                        if (seq <= lastPerCpu[cpu] || seen.get((int) seq) || view.length() != 12) {
                            problem.compareAndSet(null, "sample " + seq + " on CPU " + cpu + " after "
                                    + lastPerCpu[cpu] + " (" + view.length() + " bytes)");
                        }
                        lastPerCpu[cpu] = seq;
                        seen.set((int) seq);
                    }, Duration.ofSeconds(5));
                }
            });
            int produced = 0;
            while (produced < MILLION) {
                if (produced - reader.recordsRead() > 100_000) {
                    Thread.sleep(1);
                    continue;
                }
                int batch = Math.min(50_000, MILLION - produced);
                PerfPrograms.run(producer, batch);
                produced += batch;
            }
            consumer.get(60, TimeUnit.SECONDS);
            assertThat(problem.get()).isNull();
            assertThat(seen.cardinality()).isEqualTo(MILLION);
            assertThat(reader.recordsRead()).isEqualTo(MILLION);
            assertThat(lostNotices.get()).isZero();
            assertThat(reader.lostSamples()).isZero();
            assertThat(PerfPrograms.counter(counters, 1)).as("failed outputs").isZero();
        }
    }

    @Test
    void readAndReadIntoCopySamplesThatWrapAroundTheRing() {
        // 96 bytes become a 100-byte raw sample (4 + 100 is a multiple of 8) in a 112-byte record; a one-page ring
        // holds 36 of them, so every few rounds a sample straddles the end of the ring.
        try (BpfMap counters = PerfPrograms.counters(); BpfMap events = PerfPrograms.events();
                BpfProgram producer = PerfPrograms.producer(counters, events, 96);
                PerfReader reader = PerfReader.open(events, PerfReaderOptions.defaults().withPerCpuBufferSize(PAGE))) {
            assertThat(reader.bufferSize()).isEqualTo(PAGE);
            List<String> problems = new ArrayList<>();
            long[] next = {0};
            CpuAffinity.run(0, () -> {
                Record record = new Record();
                for (int round = 0; round < 30; round++) {
                    PerfPrograms.run(producer, 20);
                    for (int i = 0; i < 10; i++) { // half copied by readInto
                        assertThat(reader.readInto(record)).isTrue();
                        check(record.toByteArray(), record.cpu(), next[0]++, problems);
                    }
                    assertThat(reader.drain(view -> check(view.toByteArray(), view.cpu(), next[0]++, problems)))
                            .isEqualTo(10);
                }
            });
            assertThat(problems).isEmpty();
            assertThat(next[0]).isEqualTo(600);
            assertThat(reader.lostSamples()).isZero();
            assertThat(reader.drain(view -> { })).isZero();
        }
    }

    private static void check(byte[] sample, int cpu, long expected, List<String> problems) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(sample).order(java.nio.ByteOrder.nativeOrder());
        if (sample.length != 100 || cpu != 0 || b.getLong(0) != expected) {
            problems.add("sample " + (sample.length >= 8 ? b.getLong(0) : -1) + " of " + sample.length
                    + " bytes on CPU " + cpu + ", expected " + expected);
            return;
        }
        for (int i = 8; i < 96; i++) {
            if (sample[i] != (byte) i) {
                problems.add("byte " + i + " of sample " + expected);
            }
        }
    }

    @Test
    void aStalledConsumerGetsLostRecordsWithExactCounts() {
        try (BpfMap counters = PerfPrograms.counters(); BpfMap events = PerfPrograms.events();
                BpfProgram producer = PerfPrograms.producer(counters, events, 8);
                PerfReader reader = PerfReader.open(events, PerfReaderOptions.defaults().withPerCpuBufferSize(PAGE))) {
            CpuAffinity.run(0, () -> PerfPrograms.run(producer, 1000));
            int first = reader.drain(view -> assertThat(view.lostSamples()).isZero());
            assertThat(first).isBetween(100, 999);
            long failed = PerfPrograms.counter(counters, 1);
            assertThat(failed).isEqualTo(1000 - first);
            // The kernel reports the loss with the next output that fits.
            CpuAffinity.run(0, () -> PerfPrograms.run(producer, 1));
            List<Long> lost = new ArrayList<>();
            List<Long> samples = new ArrayList<>();
            reader.drain(view -> {
                assertThat(view.cpu()).isZero();
                if (view.lostSamples() > 0) {
                    lost.add(view.lostSamples());
                    assertThat(view.length()).isZero();
                    assertThatThrownBy(() -> view.getLong(0)).isInstanceOf(IndexOutOfBoundsException.class)
                            .hasMessageContaining("no data");
                } else {
                    samples.add(view.getLong(0));
                }
            });
            assertThat(lost).containsExactly(failed);
            assertThat(samples).containsExactly(1000L);
            assertThat(reader.lostSamples(0)).isEqualTo(failed);
            assertThat(reader.lostSamples()).isEqualTo(failed);
            assertThat(reader.recordsRead() + reader.lostSamples()).isEqualTo(1001);
        }
    }

    @Test
    void pausedOutputIsDroppedAndReportedAsLostAfterResume() {
        try (BpfMap counters = PerfPrograms.counters(); BpfMap events = PerfPrograms.events();
                BpfProgram producer = PerfPrograms.producer(counters, events, 8);
                PerfReader reader = PerfReader.open(events)) {
            reader.pause();
            assertThat(reader.isPaused()).isTrue();
            CpuAffinity.run(0, () -> PerfPrograms.run(producer, 10));
            assertThat(reader.drain(view -> { })).isZero();
            reader.resume();
            CpuAffinity.run(0, () -> PerfPrograms.run(producer, 1));
            Record record = new Record();
            assertThat(reader.readInto(record)).isTrue();
            assertThat(record.lostSamples()).isEqualTo(10);
            assertThat(record.length()).isZero();
            assertThat(reader.readInto(record)).isTrue();
            assertThat(record.asByteBuffer().getLong(0)).isEqualTo(10);
            assertThat(record.cpu()).isZero();
            assertThat(reader.lostSamples(0)).isEqualTo(10);
        }
    }

    @Test
    void anOverwritableReaderReadsTheNewestRecordsWhilePaused() {
        try (BpfMap counters = PerfPrograms.counters(); BpfMap events = PerfPrograms.events();
                BpfProgram producer = PerfPrograms.producer(counters, events, 8);
                PerfReader reader = PerfReader.open(events, PerfReaderOptions.defaults().withPerCpuBufferSize(PAGE)
                        .withOverwritable(true))) {
            assertThatThrownBy(() -> reader.drain(view -> { })).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("call pause() before reading");
            CpuAffinity.run(0, () -> PerfPrograms.run(producer, 1000));
            reader.pause();
            List<Long> newest = new ArrayList<>();
            reader.drain(view -> newest.add(view.getLong(0)));
            // Newest first, consecutive, as many as one page holds (24 bytes each), none lost.
            assertThat(newest).hasSizeBetween(PAGE / 24 - 2, PAGE / 24);
            for (int i = 0; i < newest.size(); i++) {
                assertThat(newest.get(i)).isEqualTo(999 - i);
            }
            assertThat(reader.drain(view -> { })).as("nothing left from this pause").isZero();
            reader.resume();

            CpuAffinity.run(0, () -> PerfPrograms.run(producer, 5));
            reader.pause();
            Record record = new Record();
            List<Long> next = new ArrayList<>();
            while (reader.readInto(record)) {
                next.add(record.asByteBuffer().getLong(0));
            }
            assertThat(next).containsExactly(1004L, 1003L, 1002L, 1001L, 1000L);
            reader.resume();
            assertThat(PerfPrograms.counter(counters, 1)).isZero();
            assertThat(reader.lostSamples()).isZero();
        }
    }

    @Test
    void aWatermarkDelaysWakeupsButATimedOutPollStillReads() throws Exception {
        try (BpfMap counters = PerfPrograms.counters(); BpfMap events = PerfPrograms.events();
                BpfProgram producer = PerfPrograms.producer(counters, events, 8);
                PerfReader reader = PerfReader.open(events, PerfReaderOptions.defaults().withPerCpuBufferSize(PAGE * 4)
                        .withWakeupWatermark(PAGE))) {
            long[] elapsed = new long[1];
            CompletableFuture<Long> pollingThread = new CompletableFuture<>();
            CompletableFuture<Integer> belowWatermark = CompletableFuture.supplyAsync(() -> {
                pollingThread.complete(KernelThreads.currentThreadId());
                long start = System.nanoTime();
                int read = reader.poll(view -> { }, Duration.ofMillis(400));
                elapsed[0] = System.nanoTime() - start;
                return read;
            });
            // Produce once the reader waits in epoll_wait: records already there when it starts polling are read at
            // once (the emulated 6.1 kernel in CI is slow enough for that).
            KernelThreads.awaitInEpollWait(pollingThread.join(), Duration.ofSeconds(10));
            CpuAffinity.run(0, () -> PerfPrograms.run(producer, 10)); // 240 bytes, below the watermark: no wakeup
            assertThat(belowWatermark.join()).isEqualTo(10);
            assertThat(elapsed[0]).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(390));

            CompletableFuture<Integer> woken = CompletableFuture.supplyAsync(() -> reader.poll(view -> { },
                    Duration.ofSeconds(10)));
            CpuAffinity.run(0, () -> PerfPrograms.run(producer, 400)); // 9600 bytes, past the watermark
            long start = System.nanoTime();
            assertThat(woken.join()).isPositive();
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void readersWaitUntilTheDeadline() {
        try (BpfMap events = PerfPrograms.events(); PerfReader reader = PerfReader.open(events)) {
            reader.setDeadline(Instant.now().plusMillis(150));
            long start = System.nanoTime();
            assertThat(reader.read()).isEmpty();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(140));
            reader.setDeadline(Instant.now().minusSeconds(1));
            assertThat(reader.readInto(new Record())).isFalse();
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
        try (BpfMap events = PerfPrograms.events()) {
            PerfReader reader = PerfReader.open(events);
            BlockedReaders.Wakeup wakeup = BlockedReaders.closeWhileBlocked(reader,
                    () -> reader.poll(view -> { }, Duration.ofSeconds(30)), virtual);
            assertThat(wakeup.millisAfterClose()).as("ms from close() to wakeup").isLessThan(100);
            assertThat(wakeup.failure()).isInstanceOf(BpfException.class)
                    .hasMessage("perf reader of map 'events' is closed");
        }
    }

    @Test
    void closeTakesTheEventsOutOfTheMap() {
        try (BpfMap counters = PerfPrograms.counters(); BpfMap events = PerfPrograms.events();
                BpfProgram producer = PerfPrograms.producer(counters, events, 8)) {
            PerfReader reader = PerfReader.open(events);
            assertThat(reader.cpus()).isEqualTo(Cpus.online());
            PerfPrograms.run(producer, 3);
            assertThat(reader.drain(view -> { })).isEqualTo(3);
            reader.close();
            PerfPrograms.run(producer, 3);
            assertThat(PerfPrograms.counter(counters, 1)).as("outputs with no event in the map").isEqualTo(3);
            assertThatThrownBy(() -> reader.drain(view -> { })).isInstanceOf(BpfException.class)
                    .hasMessageContaining("closed");
            assertThatThrownBy(reader::pause).isInstanceOf(BpfException.class).hasMessageContaining("closed");
        }
    }

    @Test
    void noDescriptorOrMappingLeaksAcrossAThousandOpenCloseCycles() {
        try (BpfMap events = PerfPrograms.events()) {
            for (int i = 0; i < 20; i++) {
                PerfReader.open(events).close();
            }
            FdCount.Snapshot fds = FdCount.snapshot();
            long perfMappings = ProcessMaps.bpfAndPerfMappings();
            int mapLines = ProcessMaps.lines().size();
            PerfReaderOptions small = PerfReaderOptions.defaults().withPerCpuBufferSize(PAGE);
            for (int i = 0; i < 1000; i++) {
                try (PerfReader reader = PerfReader.open(events, small)) {
                    reader.drain(view -> { });
                }
            }
            assertThat(fds.openedSince()).isEmpty();
            assertThat(ProcessMaps.bpfAndPerfMappings()).isEqualTo(perfMappings);
            assertThat(ProcessMaps.lines().size()).as("mappings after 1000 cycles, against %d before", mapLines)
                    .isLessThanOrEqualTo(mapLines + ProcessMaps.JVM_CHURN);
        }
    }

    @Test
    void misuseGivesClearErrors() {
        try (BpfMap ring = BpfMap.create(new MapSpec("ring", MapType.RINGBUF).maxEntries(PAGE))) {
            assertThatThrownBy(() -> PerfReader.open(ring)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("map 'ring' is a RINGBUF map, but a perf reader needs a PERF_EVENT_ARRAY map "
                            + "(read RINGBUF maps with io.ebpf4j.ringbuf.RingBufferReader)");
        }
        BpfMap closed = PerfPrograms.events();
        closed.close();
        assertThatThrownBy(() -> PerfReader.open(closed)).isInstanceOf(BpfException.class)
                .hasMessage("cannot open a perf reader: map 'events' is closed");
        assertThatThrownBy(() -> PerfReaderOptions.defaults().withWakeupWatermark(1 << 20))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be smaller than");
        assertThatThrownBy(() -> PerfReaderOptions.defaults().withPerCpuBufferSize(0))
                .isInstanceOf(IllegalArgumentException.class);
        try (BpfMap events = PerfPrograms.events(); PerfReader reader = PerfReader.open(events)) {
            assertThatThrownBy(() -> reader.readInto(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> reader.lostSamples(Cpus.possible())).isInstanceOf(IndexOutOfBoundsException.class);
            AtomicReference<RecordView> kept = new AtomicReference<>();
            try (BpfMap counters = PerfPrograms.counters();
                    BpfProgram producer = PerfPrograms.producer(counters, events, 8)) {
                PerfPrograms.run(producer, 1);
                reader.drain(kept::set);
            }
            assertThatThrownBy(() -> kept.get().getLong(0)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("valid only inside the visitor call");
        }
    }

    @Test
    void theReaderOutlivesTheCallersMapHandle() {
        try (BpfMap counters = PerfPrograms.counters()) {
            BpfMap events = PerfPrograms.events();
            BpfProgram producer = PerfPrograms.producer(counters, events, 8);
            try (PerfReader reader = PerfReader.open(events)) {
                events.close();
                PerfPrograms.run(producer, 2);
                assertThat(reader.drain(view -> { })).isEqualTo(2);
            } finally {
                producer.close();
            }
        }
    }
}
