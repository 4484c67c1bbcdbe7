package io.ebpf4j.link;

import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Several attachments that act as one: a perf event on every CPU, a USDT probe at each of its sites. Closing
 * closes every part, then runs {@code afterClose} (e.g. to free USDT spec slots).
 */
final class LinkGroup extends Unpinnable {
    private final List<BpfLink> parts;
    private final String description;
    private final Runnable afterClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    LinkGroup(List<BpfLink> parts, String description, Runnable afterClose) {
        this.parts = List.copyOf(parts);
        this.description = description;
        this.afterClose = afterClose;
    }

    /** The attachments this link is made of. */
    List<BpfLink> parts() {
        return parts;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    NotSupportedException withoutLink(String operation) {
        return new NotSupportedException(operation + " of multi-part attachments", description + " consists of "
                + parts.size() + " kernel attachments, so " + operation + " is not available for it as a whole");
    }

    @Override
    public void update(BpfProgram program) {
        for (BpfLink part : parts) {
            part.update(program);
        }
    }

    @Override
    public void detach() {
        for (BpfLink part : parts) {
            part.detach();
        }
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                Attachments.closeAll(parts);
            } finally {
                if (afterClose != null) {
                    afterClose.run();
                }
            }
        }
    }

    @Override
    public String toString() {
        return description + (isClosed() ? " (closed)" : "");
    }
}
