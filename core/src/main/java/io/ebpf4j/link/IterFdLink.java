package io.ebpf4j.link;

import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.IterCreateAttr;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.Scratch;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/** An iterator link: a bpf_link that also opens iterator instances to read. */
final class IterFdLink extends FdLink implements IterLink {
    IterFdLink(Fd fd, String description) {
        super(fd, description);
    }

    IterFdLink(Fd fd, String description, String pinnedPath) {
        super(fd, description, pinnedPath);
    }

    @Override
    public InputStream open() {
        int linkFd = fd().acquire();
        try {
            NativeBuffer attr = Bpf.attr(Scratch.get(), IterCreateAttr.BYTES);
            attr.buffer().putInt(IterCreateAttr.LINK_FD, linkFd);
            long r = Bpf.call(Bpf.ITER_CREATE, attr, IterCreateAttr.BYTES);
            if (r < 0) {
                throw Errors.of("open " + description(), (int) -r, "CAP_BPF + CAP_PERFMON");
            }
            return new IterStream(Fd.own((int) r, "iterator of " + description()));
        } finally {
            fd().release();
        }
    }

    /** Reads an iterator descriptor: each read(2) runs the program until a page is filled; 0 means done. */
    private static final class IterStream extends InputStream {
        private final Fd fd;
        private final NativeBuffer buffer = new NativeBuffer(8192);

        IterStream(Fd fd) {
            this.fd = fd;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, into.length);
            if (length == 0) {
                return 0;
            }
            int raw;
            try {
                raw = fd.acquire();
            } catch (RuntimeException e) {
                throw new IOException("iterator stream is closed", e);
            }
            try {
                long n;
                int errno = 0;
                do {
                    n = LibC.read(raw, buffer.address(), Math.min(length, buffer.capacity()));
                    errno = n < 0 ? LibC.errno() : 0;
                } while (errno == Errno.EINTR);
                if (n < 0) {
                    throw new IOException("read " + fd.description() + ": " + Errno.describe(errno));
                }
                if (n == 0) {
                    return -1;
                }
                buffer.get(0, into, offset, (int) n);
                return (int) n;
            } finally {
                fd.release();
            }
        }

        @Override
        public void close() {
            fd.close();
        }
    }
}
