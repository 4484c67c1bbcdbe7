package io.ebpf4j.link;

import io.ebpf4j.BpfProgram;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.Scratch;

import java.util.concurrent.atomic.AtomicBoolean;

/** A socket filter attached with {@code SO_ATTACH_BPF}; closing it detaches with {@code SO_DETACH_BPF}. */
final class SocketFilterLink implements BpfLink {
    private final int socketFd;
    private final String description;
    private final AtomicBoolean closed = new AtomicBoolean();

    SocketFilterLink(BpfProgram program, int socketFd) {
        int raw = program.fd().acquire();
        try {
            NativeBuffer value = Scratch.get().value.ensure(4);
            value.buffer().putInt(0, raw);
            if (LibC.setsockopt(socketFd, LibC.SOL_SOCKET, LibC.SO_ATTACH_BPF, value.address(), 4) != 0) {
                throw Errors.of("attach socket filter '" + program.name() + "' to fd " + socketFd, LibC.errno(),
                        "CAP_BPF");
            }
        } finally {
            program.fd().release();
        }
        this.socketFd = socketFd;
        this.description = "socket filter '" + program.name() + "' on fd " + socketFd;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            NativeBuffer value = Scratch.get().value.ensure(4);
            value.buffer().putInt(0, 0);
            // Fails harmlessly (EBADF/ENOENT) if the socket was closed first, which also detached the filter.
            LibC.setsockopt(socketFd, LibC.SOL_SOCKET, LibC.SO_DETACH_FILTER, value.address(), 4);
        }
    }
}
