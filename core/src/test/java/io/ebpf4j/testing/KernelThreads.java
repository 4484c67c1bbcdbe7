package io.ebpf4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.fail;

/** What the kernel says about this process's threads ({@code /proc/self/task/<tid>}). */
public final class KernelThreads {
    private KernelThreads() {}

    /** The calling thread's kernel thread id. */
    public static long currentThreadId() {
        try {
            return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Thread {@code tid}'s time in the kernel so far, in clock ticks ({@code stime} of its {@code stat}). */
    public static long kernelTicks(long tid) {
        String stat = read("/proc/self/task/" + tid + "/stat");
        // the fields after the command's closing parenthesis, from the 3rd: stime is the 15th
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[12]);
    }

    /**
     * Waits until thread {@code tid} sleeps in {@code epoll_wait} (its wait channel is the kernel's
     * {@code do_epoll_wait}, or {@code ep_poll} where that is not inlined), failing after {@code timeout}.
     */
    public static void awaitInEpollWait(long tid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!inEpollWait(waitChannel(tid))) {
            if (System.nanoTime() > deadline) {
                fail("thread " + tid + " did not wait in epoll_wait within " + timeout + " (wait channel: "
                        + waitChannel(tid) + ")");
            }
            Thread.sleep(1);
        }
    }

    private static boolean inEpollWait(String waitChannel) {
        return waitChannel.contains("epoll_wait") || waitChannel.contains("ep_poll");
    }

    private static String waitChannel(long tid) {
        return read("/proc/self/task/" + tid + "/wchan");
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
