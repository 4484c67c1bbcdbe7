package io.ebpf4j.link;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Runs attach/detach cycles on several threads. Closing a perf event waits for an RCU grace period in the kernel
 * (tens of milliseconds on a small VM); threads wait for grace periods together, which makes 1,000 cycles take
 * seconds instead of a minute.
 */
final class Cycles {
    static final int THREADS = 8;

    private Cycles() {}

    /** Runs {@code cycle.accept(thread)} {@code total} times, spread over {@link #THREADS} threads. */
    static void run(int total, IntConsumer cycle) {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                int count = total / THREADS + (t < total % THREADS ? 1 : 0);
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < count; i++) {
                        cycle.accept(thread);
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
    }
}
