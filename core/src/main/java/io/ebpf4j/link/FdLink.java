package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.internal.Pins;
import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.Descriptors;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.LinkCreateAttr;
import io.ebpf4j.internal.sys.LinkDetachAttr;
import io.ebpf4j.internal.sys.LinkUpdateAttr;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.Scratch;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** An attachment held by a kernel {@code bpf_link} file descriptor: every {@link BpfLink} operation works. */
class FdLink implements BpfLink {
    /** Link types whose kernel implementation can swap the program ({@code update_prog}). */
    private static final Set<LinkType> UPDATABLE = EnumSet.of(LinkType.CGROUP, LinkType.ITER, LinkType.NETNS,
            LinkType.XDP, LinkType.TCX, LinkType.NETKIT, LinkType.SOCKMAP);

    private final Fd fd;
    private final String description;
    private volatile String pinnedPath;

    FdLink(Fd fd, String description) {
        this(fd, description, null);
    }

    FdLink(Fd fd, String description, String pinnedPath) {
        this.fd = fd;
        this.description = description;
        this.pinnedPath = pinnedPath;
    }

    /**
     * {@code BPF_LINK_CREATE}: a new link descriptor, or {@code -errno}. {@code extra} writes the attach-type
     * specific part of the attribute (the nested classes of {@link LinkCreateAttr}).
     */
    static long create(BpfProgram program, int targetFd, AttachType type, int flags, Consumer<ByteBuffer> extra) {
        int programFd = Descriptors.of(program).acquire();
        try {
            return create(programFd, targetFd, type, flags, extra);
        } finally {
            Descriptors.of(program).release();
        }
    }

    /** {@code BPF_LINK_CREATE} with a raw descriptor: a program's, or for struct_ops a map's. */
    static long create(int programFd, int targetFd, AttachType type, int flags, Consumer<ByteBuffer> extra) {
        NativeBuffer attr = Bpf.attr(Scratch.get(), LinkCreateAttr.BYTES);
        ByteBuffer a = attr.buffer();
        a.putInt(LinkCreateAttr.PROG_FD, programFd);
        a.putInt(LinkCreateAttr.TARGET_FD, targetFd);
        a.putInt(LinkCreateAttr.ATTACH_TYPE, type.value());
        a.putInt(LinkCreateAttr.FLAGS, flags);
        if (extra != null) {
            extra.accept(a);
        }
        return Bpf.call(Bpf.LINK_CREATE, attr, LinkCreateAttr.BYTES);
    }

    /** Opens the link pinned at {@code path}. */
    static FdLink loadPinned(String path) {
        Fd fd = Pins.open("link", path, 0);
        try {
            LinkInfo info = info(fd);
            String description = info.type() + " link " + info.id() + " (program id " + info.programId()
                    + ", pinned at " + path + ")";
            return info.type() == LinkType.ITER ? new IterFdLink(fd, description, path)
                    : new FdLink(fd, description, path);
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** The link descriptor, for subclasses that run further commands on it. */
    Fd fd() {
        return fd;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public LinkInfo info() {
        return info(fd);
    }

    private static LinkInfo info(Fd fd) {
        int raw = fd.acquire();
        try {
            return LinkInfo.read(raw);
        } finally {
            fd.release();
        }
    }

    @Override
    public void pin(String path) {
        Pins.pin(fd, description, path);
        pinnedPath = path;
    }

    @Override
    public void unpin() {
        String path = pinnedPath;
        if (path != null) {
            Pins.unpin(description, path);
            pinnedPath = null;
        }
    }

    @Override
    public Optional<String> pinnedPath() {
        return Optional.ofNullable(pinnedPath);
    }

    @Override
    public void update(BpfProgram program) {
        int linkFd = fd.acquire();
        try {
            int programFd = Descriptors.of(program).acquire();
            try {
                NativeBuffer attr = Bpf.attr(Scratch.get(), LinkUpdateAttr.BYTES);
                attr.buffer().putInt(LinkUpdateAttr.LINK_FD, linkFd);
                attr.buffer().putInt(LinkUpdateAttr.NEW_PROG_FD, programFd);
                long r = Bpf.call(Bpf.LINK_UPDATE, attr, LinkUpdateAttr.BYTES);
                if (r < 0) {
                    throw updateError(program, (int) -r);
                }
            } finally {
                Descriptors.of(program).release();
            }
        } finally {
            fd.release();
        }
    }

    @Override
    public void detach() {
        int linkFd = fd.acquire();
        try {
            NativeBuffer attr = Bpf.attr(Scratch.get(), LinkDetachAttr.BYTES);
            attr.buffer().putInt(LinkDetachAttr.LINK_FD, linkFd);
            long r = Bpf.call(Bpf.LINK_DETACH, attr, LinkDetachAttr.BYTES);
            if (r < 0) {
                int errno = (int) -r;
                if (errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP) {
                    throw unsupported("detach", errno);
                }
                throw Errors.of("detach " + description, errno, "CAP_BPF");
            }
        } finally {
            fd.release();
        }
    }

    /** The kernel says EINVAL both for link types without an update operation and for an unsuitable program. */
    private BpfException updateError(BpfProgram program, int errno) {
        String what = "update " + description + " to program '" + program.name() + "'";
        if (errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP
                || errno == Errno.EINVAL && !UPDATABLE.contains(info().type())) {
            return unsupported("update", errno);
        }
        if (errno == Errno.EINVAL) {
            return new BpfException(what + ": " + Errno.describe(errno) + " (the new program must have the same"
                    + " program type and expected attach type as the attached one)", errno);
        }
        return Errors.of(what, errno, "CAP_BPF");
    }

    private NotSupportedException unsupported(String operation, int errno) {
        String type = info().type().toString();
        return new NotSupportedException(operation + " of " + type + " links", operation + " " + description
                + ": the kernel cannot " + operation + " " + type + " links (" + Errno.name(errno) + ")", errno);
    }

    @Override
    public boolean isClosed() {
        return fd.isClosed();
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return description + (isClosed() ? " (closed)" : "");
    }
}
