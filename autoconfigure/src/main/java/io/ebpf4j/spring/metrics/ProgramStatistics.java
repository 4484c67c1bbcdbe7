package io.ebpf4j.spring.metrics;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.ProgramInfo;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.ManagedCollection;

import io.micrometer.core.instrument.Clock;

import java.util.List;
import java.util.Map;

/**
 * Run counts and run times of a collection's programs ({@code bpf_prog_info.run_cnt/run_time_ns}), read for all
 * programs at once (one syscall each) at most once per min-refresh, for the {@code ebpf.program.run} meters.
 */
final class ProgramStatistics {
    /** One program's last known statistics. */
    static final class Program {
        final String name;
        volatile long runCount;
        volatile long runTimeNs;
        private final ProgramStatistics owner;

        Program(String name, ProgramStatistics owner) {
            this.name = name;
            this.owner = owner;
        }

        long runCount() {
            owner.refreshIfDue();
            return runCount;
        }

        double runTimeNs() {
            owner.refreshIfDue();
            return NativeInts.unsignedToDouble(runTimeNs);
        }
    }

    private final EbpfCollections collections;
    private final String collection;
    private final List<Program> programs;
    private final long minRefreshNanos;
    private final Clock clock;
    private volatile long lastRefreshNanos;
    private volatile boolean refreshed;

    ProgramStatistics(EbpfCollections collections, String collection, List<String> programNames,
            long minRefreshNanos, Clock clock) {
        this.collections = collections;
        this.collection = collection;
        this.programs = programNames.stream().map(n -> new Program(n, this)).toList();
        this.minRefreshNanos = minRefreshNanos;
        this.clock = clock;
    }

    String collection() {
        return collection;
    }

    List<Program> programs() {
        return programs;
    }

    void refreshIfDue() {
        if (refreshed && clock.monotonicTime() - lastRefreshNanos < minRefreshNanos) {
            return;
        }
        synchronized (this) {
            if (refreshed && clock.monotonicTime() - lastRefreshNanos < minRefreshNanos) {
                return;
            }
            Map<String, BpfProgram> loaded = collections.get(collection)
                    .filter(c -> c.status() != ManagedCollection.Status.CLOSED)
                    .flatMap(ManagedCollection::loaded)
                    .map(c -> c.programs())
                    .orElse(Map.of());
            for (Program p : programs) {
                BpfProgram program = loaded.get(p.name);
                if (program == null || program.isClosed()) {
                    continue; // keep the last values: counters must not go back to 0
                }
                try {
                    ProgramInfo info = program.info();
                    p.runCount = info.runCount();
                    p.runTimeNs = info.runTimeNs();
                } catch (BpfException e) {
                    // closed concurrently; the next refresh tries again
                }
            }
            lastRefreshNanos = clock.monotonicTime();
            refreshed = true;
        }
    }
}
