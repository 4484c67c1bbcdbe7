package io.ebpf4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads this process's memory mappings ({@code /proc/self/maps}), to prove that nothing stays mapped. */
public final class ProcessMaps {
    private ProcessMaps() {}

    public static List<String> lines() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Mappings the JVM itself may add or remove while a test runs (code cache, thread stacks, malloc arenas): a check
     * that the total did not grow over many cycles allows this many, far fewer than one leak per cycle would add.
     */
    public static final int JVM_CHURN = 64;

    /** Number of mappings of BPF maps and perf events ({@code anon_inode:bpf-map}, {@code anon_inode:[perf_event]}). */
    public static long bpfAndPerfMappings() {
        return lines().stream().filter(l -> l.contains("anon_inode:bpf") || l.contains("perf_event")).count();
    }
}
