package io.ebpf4j.spring.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the kernel tests need to know about the running thread and to make it do syscalls. */
final class KernelFixtures {
    private KernelFixtures() {}

    /** The kernel's id of the calling thread, from /proc/thread-self -> "<pid>/task/<tid>". */
    static long currentThreadId() {
        try {
            return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens (openat(2)) and closes {@code file} {@code times} times on the calling thread. */
    static void open(Path file, int times) {
        for (int i = 0; i < times; i++) {
            try {
                Files.newInputStream(file).close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
