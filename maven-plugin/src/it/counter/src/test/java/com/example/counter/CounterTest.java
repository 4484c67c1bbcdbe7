package com.example.counter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.counter.CounterObjects.ExecEvent;
import com.example.counter.CounterObjects.ExecKey;
import com.example.counter.CounterObjects.ExecStats;
import com.example.counter.CounterObjects.Kind;
import io.ebpf4j.ringbuf.RingBufferReader;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Optional;

class CounterTest {
    @Test
    void countsExecutionsOfTheConfiguredUser() throws Exception {
        try (CounterObjects objects = CounterObjects.spec().setOnlyUid(0).load()) {
            objects.attach();
            for (int i = 0; i < 3; i++) {
                new ProcessBuilder("/bin/true").start().waitFor();
            }
            assertTrue(objects.total() >= 3, "total " + objects.total());
            Optional<ExecStats> stats = objects.execs().get(new ExecKey(0, Kind.KIND_EXEC));
            assertTrue(stats.isPresent(), "no entry for uid 0");
            assertTrue(stats.get().count() >= 3, "count " + stats.get().count());

            try (RingBufferReader reader = RingBufferReader.open(objects.events())) {
                ExecEvent[] first = new ExecEvent[1];
                reader.poll(view -> {
                    if (first[0] == null) {
                        first[0] = ExecEvent.CODEC.decode(
                                ByteBuffer.wrap(view.toByteArray()).order(ByteOrder.nativeOrder()), 0);
                    }
                }, Duration.ofSeconds(5));
                assertTrue(first[0] != null && first[0].pid() > 0, "event " + first[0]);
            }
            assertEquals(Kind.KIND_EXEC, Kind.of(1));
        }
    }
}
