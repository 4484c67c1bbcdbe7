package io.ebpf4j.link;

import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.internal.sys.Fd;

import java.util.Optional;

/**
 * A program on a perf event (tracepoint, kprobe, uprobe, perf counter). Holds the perf event and, on kernels with
 * perf links, the bpf_link that attaches the program; without one (the ioctl fallback) the attachment lives as
 * long as the perf event and cannot be pinned or queried. A probe created through tracefs is removed on close.
 */
final class PerfEventLink implements BpfLink {
    private final Fd event;
    private final FdLink link;
    private final TracefsEvent tracefsEvent;
    private final String description;

    PerfEventLink(Fd event, FdLink link, TracefsEvent tracefsEvent, String description) {
        this.event = event;
        this.link = link;
        this.tracefsEvent = tracefsEvent;
        this.description = description;
    }

    /** Whether the program is attached through a bpf_link (false: the ioctl fallback). */
    boolean hasLink() {
        return link != null;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public LinkInfo info() {
        return requireLink("info").info();
    }

    @Override
    public void pin(String path) {
        requireLink("pinning").pin(path);
    }

    @Override
    public void unpin() {
        if (link != null) {
            link.unpin();
        }
    }

    @Override
    public Optional<String> pinnedPath() {
        return link == null ? Optional.empty() : link.pinnedPath();
    }

    @Override
    public void update(BpfProgram program) {
        requireLink("update").update(program);
    }

    @Override
    public void detach() {
        requireLink("detach").detach();
    }

    private FdLink requireLink(String operation) {
        if (link == null) {
            throw new NotSupportedException(operation + " of perf event attachments without bpf_link",
                    description + ": " + operation + " needs a perf_event bpf_link (Linux 5.15+); this program was"
                            + " attached with the PERF_EVENT_IOC_SET_BPF ioctl");
        }
        return link;
    }

    @Override
    public boolean isClosed() {
        return event.isClosed();
    }

    @Override
    public void close() {
        if (event.isClosed()) {
            return;
        }
        if (link != null) {
            link.close();
        }
        event.close();
        // A pinned link still uses the probe: removing it would fail (EBUSY), and it must outlive this process.
        if (tracefsEvent != null && pinnedPath().isEmpty()) {
            tracefsEvent.close();
        }
    }

    @Override
    public String toString() {
        return description + (isClosed() ? " (closed)" : "");
    }
}
