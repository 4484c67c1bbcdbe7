package io.ebpf4j.ringbuf;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.ProgramType;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.ProcessMaps;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RequiresKernel(mapTypes = MapType.USER_RINGBUF, programTypes = ProgramType.SOCKET_FILTER)
class UserRingBufferTest {

    static BpfMap userRing(int size) {
        return BpfMap.create(new MapSpec("commands", MapType.USER_RINGBUF).maxEntries(size));
    }

    @Test
    void theKernelDrainsSubmittedRecordsAndSkipsDiscardedOnes() {
        try (BpfMap counters = RingPrograms.counters(); BpfMap map = userRing(1 << 16);
                BpfProgram drainer = RingPrograms.userRingDrainer(counters, map);
                UserRingBuffer out = UserRingBuffer.open(map)) {
            long expectedSum = 0;
            for (int i = 1; i <= 100; i++) {
                UserRingBuffer.Reservation r = out.reserve(16, Duration.ZERO).orElseThrow();
                r.putLong(0, i).putLong(8, -1);
                if (i % 10 == 0) {
                    r.discard();
                } else {
                    r.submit();
                    expectedSum += i;
                }
            }
            assertThat(out.freeBytes()).isEqualTo((1 << 16) - 100 * 24);
            RingPrograms.run(drainer, 1);
            assertThat(RingPrograms.counter(counters, 0)).as("records the callback saw").isEqualTo(90);
            assertThat(RingPrograms.counter(counters, 1)).as("sum of their first u64").isEqualTo(expectedSum);
            assertThat(out.freeBytes()).isEqualTo(1 << 16);
        }
    }

    @Test
    void aPendingReservationHoldsBackTheOnesAfterIt() {
        try (BpfMap counters = RingPrograms.counters(); BpfMap map = userRing(4096);
                BpfProgram drainer = RingPrograms.userRingDrainer(counters, map);
                UserRingBuffer out = UserRingBuffer.open(map)) {
            UserRingBuffer.Reservation first = out.reserve(8, Duration.ZERO).orElseThrow().putLong(0, 1);
            out.reserve(8, Duration.ZERO).orElseThrow().putLong(0, 2).submit();
            RingPrograms.run(drainer, 1);
            assertThat(RingPrograms.counter(counters, 0)).isZero();
            first.submit();
            RingPrograms.run(drainer, 1);
            assertThat(RingPrograms.counter(counters, 0)).isEqualTo(2);
            assertThat(RingPrograms.counter(counters, 1)).isEqualTo(3);
        }
    }

    @Test
    void aFullBufferWaitsUntilTheKernelDrainsIt() throws Exception {
        try (BpfMap counters = RingPrograms.counters(); BpfMap map = userRing(4096);
                BpfProgram drainer = RingPrograms.userRingDrainer(counters, map);
                UserRingBuffer out = UserRingBuffer.open(map)) {
            int fitted = 0;
            while (true) {
                Optional<UserRingBuffer.Reservation> r = out.reserve(56, Duration.ZERO);
                if (r.isEmpty()) {
                    break;
                }
                r.get().putLong(0, 1).submit();
                fitted++;
            }
            assertThat(fitted).isEqualTo(4096 / 64);
            long start = System.nanoTime();
            assertThat(out.reserve(56, Duration.ofMillis(100))).isEmpty();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(95));

            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
                Optional<UserRingBuffer.Reservation> r = out.reserve(56, Duration.ofSeconds(10));
                r.ifPresent(UserRingBuffer.Reservation::submit);
                return r.isPresent();
            });
            Thread.sleep(100);
            assertThat(waiting).isNotDone();
            RingPrograms.run(drainer, 1);
            assertThat(waiting.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(RingPrograms.counter(counters, 0)).isEqualTo(fitted);
        }
    }

    @Test
    void closeWakesAWaitingReserve() throws Exception {
        try (BpfMap map = userRing(4096)) {
            UserRingBuffer out = UserRingBuffer.open(map);
            out.reserve(4096 - 8, Duration.ZERO).orElseThrow().submit();
            CompletableFuture<Long> woke = CompletableFuture.supplyAsync(() -> {
                try {
                    out.reserve(8, Duration.ofSeconds(30));
                    return -1L;
                } catch (BpfException closed) {
                    return System.nanoTime();
                }
            });
            Thread.sleep(200);
            long closedAt = System.nanoTime();
            out.close();
            assertThat(TimeUnit.NANOSECONDS.toMillis(woke.get(5, TimeUnit.SECONDS) - closedAt)).isBetween(0L, 99L);
        }
    }

    @Test
    void misuseGivesClearErrors() {
        try (BpfMap map = userRing(4096); UserRingBuffer out = UserRingBuffer.open(map)) {
            assertThatThrownBy(() -> out.reserve(4096, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("does not fit");
            UserRingBuffer.Reservation r = out.reserve(8, Duration.ZERO).orElseThrow();
            assertThatThrownBy(() -> r.putLong(4, 0)).isInstanceOf(IndexOutOfBoundsException.class);
            r.submit();
            assertThatThrownBy(r::submit).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> r.putInt(0, 1)).isInstanceOf(IllegalStateException.class);
            UserRingBuffer.Reservation pending = out.reserve(8, Duration.ZERO).orElseThrow();
            out.close();
            assertThatThrownBy(() -> pending.putLong(0, 1)).isInstanceOf(BpfException.class)
                    .hasMessageContaining("user ring buffer of map 'commands' is closed");
        }
        try (BpfMap ring = RingPrograms.ring(4096)) {
            assertThatThrownBy(() -> UserRingBuffer.open(ring)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("map 'events' is a RINGBUF map, but a user ring buffer needs a USER_RINGBUF map "
                            + "(read RINGBUF maps with RingBufferReader)");
        }
    }

    @Test
    void noDescriptorOrMappingLeaksAcrossAThousandOpenCloseCycles() {
        try (BpfMap map = userRing(4096)) {
            UserRingBuffer.open(map).close();
            FdCount.Snapshot fds = FdCount.snapshot();
            long mappings = ProcessMaps.bpfAndPerfMappings();
            for (int i = 0; i < 1000; i++) {
                UserRingBuffer.open(map).close();
            }
            assertThat(fds.openedSince()).isEmpty();
            assertThat(ProcessMaps.bpfAndPerfMappings()).isEqualTo(mappings);
        }
    }
}
