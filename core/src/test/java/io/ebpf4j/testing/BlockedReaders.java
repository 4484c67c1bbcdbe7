package io.ebpf4j.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Closing an event reader while another thread is blocked reading from it. */
public final class BlockedReaders {
    private BlockedReaders() {}

    /** How the blocked read ended: when, counted from {@code close()}, and with what. */
    public record Wakeup(long millisAfterClose, Throwable failure) {}

    /**
     * Runs {@code read} on a new platform or virtual thread, closes {@code reader} once that thread has waited 300 ms
     * (a thread blocked in epoll_wait shows no state to wait for), and returns how the read ended, failing if it
     * ended before the close or did not end within 5 s of it.
     */
    public static Wakeup closeWhileBlocked(AutoCloseable reader, Runnable read, boolean virtual) throws Exception {
        AtomicLong wokeAt = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Runnable blocked = () -> {
            try {
                read.run();
            } catch (Throwable t) {
                wokeAt.set(System.nanoTime());
                failure.set(t);
            } finally {
                done.countDown();
            }
        };
        if (virtual) {
            VirtualThreads.start(blocked);
        } else {
            new Thread(blocked).start();
        }
        Thread.sleep(300);
        assertThat(done.getCount()).as("reader still waiting").isEqualTo(1);
        long closedAt = System.nanoTime();
        reader.close();
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        return new Wakeup(TimeUnit.NANOSECONDS.toMillis(wokeAt.get() - closedAt), failure.get());
    }
}
