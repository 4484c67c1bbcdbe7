package io.ebpf4j;

import io.ebpf4j.link.BpfLink;
import io.ebpf4j.link.LinkInfo;

import java.util.Map;
import java.util.Optional;

/**
 * A {@code SEC(".struct_ops")} map registered by writing its value, as {@link BpfCollection#attachStructOps} does:
 * there is no kernel link, and the kernel keeps the ops registered, even once every descriptor is closed, until the
 * map's element is deleted, which {@link #close()} does.
 */
final class StructOpsRegistration implements BpfLink {
    private final BpfMap map;
    private final Map<String, StructOpsRegistration> registrations;
    private volatile boolean closed;

    StructOpsRegistration(BpfMap map, Map<String, StructOpsRegistration> registrations) {
        this.map = map;
        this.registrations = registrations;
    }

    @Override
    public String description() {
        return "struct_ops map '" + map.name() + "' (registered by its value)";
    }

    @Override
    public LinkInfo info() {
        throw noLink("link info");
    }

    @Override
    public void pin(String path) {
        throw noLink("pinning");
    }

    @Override
    public void unpin() {
        // never pinned
    }

    @Override
    public Optional<String> pinnedPath() {
        return Optional.empty();
    }

    @Override
    public void update(BpfProgram program) {
        throw noLink("update");
    }

    @Override
    public void detach() {
        close();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Unregisters the ops; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        registrations.remove(map.name(), this);
        if (!map.isClosed()) {
            map.delete(new byte[4]);
        }
    }

    private NotSupportedException noLink(String operation) {
        return new NotSupportedException(operation + " of struct_ops registrations", operation + " of "
                + description() + ": it has no kernel link; declare the map in SEC(\".struct_ops.link\") for one");
    }

    @Override
    public String toString() {
        return description() + (closed ? " (closed)" : "");
    }
}
