package io.ebpf4j.link;

import java.util.Optional;

/**
 * A program attached to a kernel hook. {@link #close()} detaches it, unless the link was pinned: a pinned link
 * stays attached after this process exits, until the pin is removed.
 */
public interface BpfLink extends AutoCloseable {
    /** What is attached to what, e.g. {@code socket filter 'count' on fd 12}. */
    String description();

    /** Where the link is pinned, if it is. */
    default Optional<String> pinnedPath() {
        return Optional.empty();
    }

    /** Detaches (unless pinned) and releases this handle. */
    @Override
    void close();
}
