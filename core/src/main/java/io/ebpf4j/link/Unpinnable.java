package io.ebpf4j.link;

import io.ebpf4j.NotSupportedException;

import java.util.Optional;

/**
 * An attachment with no kernel link object of its own (a socket filter, a {@code BPF_PROG_ATTACH} or netlink
 * attachment, a group of several links): it has no link info and cannot be pinned. Subclasses say why in
 * {@link #withoutLink(String)}.
 */
abstract class Unpinnable implements BpfLink {
    /** Why {@code operation} (e.g. "info", "pinning") is not available for this attachment. */
    abstract NotSupportedException withoutLink(String operation);

    @Override
    public LinkInfo info() {
        throw withoutLink("info");
    }

    @Override
    public void pin(String path) {
        throw withoutLink("pinning");
    }

    @Override
    public void unpin() {
        // never pinned
    }

    @Override
    public Optional<String> pinnedPath() {
        return Optional.empty();
    }
}
