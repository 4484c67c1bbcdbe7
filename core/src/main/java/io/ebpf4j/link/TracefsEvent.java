package io.ebpf4j.link;

import io.ebpf4j.BpfException;
import io.ebpf4j.internal.sys.LibC;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A kprobe or uprobe created by writing to tracefs ({@code kprobe_events}, {@code uprobe_events}): the fallback for
 * kernels without the kprobe/uprobe perf PMUs (before 4.17). The probe becomes a tracepoint with an id; closing
 * removes it again.
 */
final class TracefsEvent implements AutoCloseable {
    private static final String GROUP = "ebpf4j";
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Path controlFile;
    private final String name;
    private final long id;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TracefsEvent(Path controlFile, String name, long id) {
        this.controlFile = controlFile;
        this.name = name;
        this.id = id;
    }

    /**
     * Creates a probe.
     *
     * @param controlFile {@code <tracefs>/kprobe_events} or {@code <tracefs>/uprobe_events}
     * @param retprobe whether it fires on return
     * @param location {@code symbol+offset} for kprobes, {@code /path:0xoffset[(0xrefctr)]} for uprobes
     * @param what names the probe in errors
     */
    static TracefsEvent create(Path controlFile, boolean retprobe, String location, String what) {
        // Unique per process and call, so that concurrent users (and other processes) never collide.
        String name = GROUP + "_" + LibC.getpid() + "_" + SEQUENCE.incrementAndGet();
        String definition = (retprobe ? "r:" : "p:") + GROUP + "/" + name + " " + location;
        try {
            append(controlFile, definition);
        } catch (IOException e) {
            throw new BpfException("create " + what + " by writing '" + definition + "' to " + controlFile + ": "
                    + e.getMessage() + " (does the "
                    + (controlFile.endsWith("kprobe_events") ? "function" : "file offset") + " exist?)", e);
        }
        Path idFile = controlFile.resolveSibling("events").resolve(GROUP).resolve(name).resolve("id");
        try {
            return new TracefsEvent(controlFile, name, Long.parseLong(Files.readString(idFile).trim()));
        } catch (IOException | NumberFormatException e) {
            TracefsEvent created = new TracefsEvent(controlFile, name, 0);
            created.close();
            throw new BpfException("create " + what + ": cannot read its tracepoint id from " + idFile + ": "
                    + e.getMessage(), e);
        }
    }

    /** The tracepoint id to open with {@code PERF_TYPE_TRACEPOINT}. */
    long id() {
        return id;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                append(controlFile, "-:" + GROUP + "/" + name);
            } catch (IOException e) {
                throw new BpfException("remove probe " + GROUP + "/" + name + " from " + controlFile + ": "
                        + e.getMessage(), e);
            }
        }
    }

    private static void append(Path file, String line) throws IOException {
        Files.write(file, (line + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }
}
