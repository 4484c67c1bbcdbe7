package io.ebpf4j.internal.sys;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RequiresKernel
class FdTest {

    private static BpfMap newMap() {
        return BpfMap.create(new MapSpec("leak", MapType.ARRAY).keySize(4).valueSize(8).maxEntries(1));
    }

    /** Drops maps without closing them and waits, with a deadline, for the cleaner to release the descriptors. */
    private static void dropAndCollect(int count, int baseline) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            newMap(); // deliberately not closed
        }
        assertThat(FdCount.now()).isGreaterThanOrEqualTo(baseline + count);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (FdCount.now() > baseline && System.nanoTime() < deadline) {
            System.gc();
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void droppedObjectsAreReleasedByTheGarbageCollector() throws Exception {
        newMap().close();
        int baseline = FdCount.now();
        dropAndCollect(50, baseline);
        assertThat(FdCount.now()).isEqualTo(baseline);
    }

    @Test
    void leakDetectionNamesTheCreationSite() throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("io.ebpf4j.leaks");
        logger.addHandler(capture);
        System.setProperty(Fd.LEAK_DETECTION_PROPERTY, "true");
        try {
            newMap().close();
            int baseline = FdCount.now();
            dropAndCollect(1, baseline);
            assertThat(records).anySatisfy(r -> {
                assertThat(r.getMessage()).contains("map 'leak'").contains("was not closed");
                assertThat(r.getThrown().getStackTrace()).anySatisfy(frame ->
                        assertThat(frame.getMethodName()).isEqualTo("newMap"));
            });
        } finally {
            System.clearProperty(Fd.LEAK_DETECTION_PROPERTY);
            logger.removeHandler(capture);
        }
    }

    @Test
    void closeWaitsForUsesInFlightAndLaterUsesFail() {
        BpfMap map = newMap();
        Fd fd = Descriptors.of(map);
        int raw = fd.acquire();
        fd.close();
        assertThat(fd.isClosed()).isTrue();
        // Still in use: the descriptor must not be closed (and so not recycled) yet.
        assertThat(LibC.fcntl(raw, 1 /* F_GETFD */, 0)).isNotNegative();
        fd.release();
        assertThat(LibC.fcntl(raw, 1, 0)).isNegative();
        assertThatThrownBy(fd::acquire).isInstanceOf(BpfException.class).hasMessageContaining("closed");
    }
}
