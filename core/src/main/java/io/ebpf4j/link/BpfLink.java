package io.ebpf4j.link;

import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;

import java.util.Optional;

/**
 * A program attached to a kernel hook, made by one of the {@link Links} factories.
 *
 * <p>{@link #close()} detaches the program, unless the link was pinned: a pinned link stays attached after this
 * handle is closed and after this process exits, until the pin is removed ({@link #unpin()}, or deleting the file)
 * and no process holds the link open. {@link Links#loadPinned(String)} opens a pinned link again.
 *
 * <p>Most hooks are attached through a kernel {@code bpf_link}, which supports every operation here. Attachments
 * made without one (socket filters, {@code BPF_PROG_ATTACH} on kernels without bpf_link, perf events on kernels
 * before 5.15, and attachments made of several parts such as a perf event on every CPU) throw
 * {@link NotSupportedException} from the operations they cannot do, saying why.
 */
public interface BpfLink extends AutoCloseable {
    /** What is attached to what, e.g. {@code tracepoint syscalls/sys_enter_openat <- program 'count'}. */
    String description();

    /**
     * What the kernel reports about this link: id, type, attached program and target.
     *
     * @throws NotSupportedException if the attachment has no kernel link
     */
    LinkInfo info();

    /**
     * Pins the link in bpffs at {@code path}: it then stays attached when this handle is closed.
     *
     * @throws NotSupportedException if the attachment has no kernel link
     */
    void pin(String path);

    /** Removes the pin, if any: closing this handle then detaches the program. */
    void unpin();

    /** Where the link is pinned, if it is. */
    Optional<String> pinnedPath();

    /**
     * Atomically replaces the attached program with {@code program} ({@code BPF_LINK_UPDATE}), without a moment
     * where the hook runs no program.
     *
     * @throws NotSupportedException if this kind of link cannot be updated (e.g. perf event and tracing links)
     */
    void update(BpfProgram program);

    /**
     * Detaches the program now, even if the link is pinned ({@code BPF_LINK_DETACH}); the handle stays open and
     * must still be closed.
     *
     * @throws NotSupportedException if this kind of link cannot be detached separately from being closed
     */
    void detach();

    /** Whether {@link #close()} was called. */
    boolean isClosed();

    /** Releases this handle, which detaches the program unless the link is pinned. Idempotent. */
    @Override
    void close();
}
