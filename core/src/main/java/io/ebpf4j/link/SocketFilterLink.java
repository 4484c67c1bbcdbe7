package io.ebpf4j.link;

import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.internal.sys.Descriptors;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.Scratch;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A socket filter attached with {@code SO_ATTACH_BPF}; closing it detaches with {@code SO_DETACH_BPF}. The socket
 * stays owned by the caller: the link does not keep it open, so a socket closed first takes its filter with it.
 */
final class SocketFilterLink extends Unpinnable {
    private static final int SO_DETACH_BPF = LibC.SO_DETACH_FILTER;

    private final int socketFd;
    private final String description;
    private final AtomicBoolean closed = new AtomicBoolean();

    SocketFilterLink(BpfProgram program, int socketFd) {
        this.socketFd = socketFd;
        this.description = "socket filter '" + program.name() + "' on fd " + socketFd;
        attach(program);
    }

    /** {@code SO_ATTACH_BPF}; on a socket that has a filter it swaps it atomically. */
    private void attach(BpfProgram program) {
        int raw = Descriptors.of(program).acquire();
        try {
            NativeBuffer value = Scratch.get().value.ensure(4);
            value.buffer().putInt(0, raw);
            if (LibC.setsockopt(socketFd, LibC.SOL_SOCKET, LibC.SO_ATTACH_BPF, value.address(), 4) != 0) {
                throw Errors.of("attach socket filter '" + program.name() + "' to fd " + socketFd, LibC.errno(),
                        program.type().attachCapabilities());
            }
        } finally {
            Descriptors.of(program).release();
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    NotSupportedException withoutLink(String operation) {
        return new NotSupportedException(operation + " of socket filters", description + ": socket filters are"
                + " attached with setsockopt, not with a bpf_link, so " + operation + " is not available");
    }

    @Override
    public void update(BpfProgram program) {
        attach(program);
    }

    @Override
    public void detach() {
        NativeBuffer value = Scratch.get().value.ensure(4);
        value.buffer().putInt(0, 0);
        // Fails harmlessly (ENOENT, EBADF) when the filter or the socket is already gone.
        LibC.setsockopt(socketFd, LibC.SOL_SOCKET, SO_DETACH_BPF, value.address(), 4);
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            detach();
        }
    }

    @Override
    public String toString() {
        return description + (isClosed() ? " (closed)" : "");
    }
}
