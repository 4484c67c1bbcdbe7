package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.MapType;
import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.Descriptors;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.LinkUpdateAttr;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.Scratch;

/**
 * A struct_ops map registered through a bpf_link ({@code SEC(".struct_ops.link")}): closing or detaching it
 * unregisters the ops, {@link #update(BpfMap)} swaps in another map of the same struct without a moment where none is
 * registered (libbpf's {@code bpf_link__update_map}).
 */
public final class StructOpsLink extends FdLink {
    StructOpsLink(Fd fd, String description) {
        super(fd, description);
    }

    /** {@code BPF_LINK_CREATE} for a struct_ops map: registers its ops until the link is closed. */
    static StructOpsLink register(BpfMap map) {
        if (map.type() != MapType.STRUCT_OPS) {
            throw new IllegalArgumentException("map '" + map.name() + "' is a " + map.type()
                    + " map; struct_ops links need a STRUCT_OPS map");
        }
        String description = "struct_ops map '" + map.name() + "'";
        long r;
        int mapFd = Descriptors.of(map).acquire();
        try {
            r = FdLink.create(mapFd, 0, AttachType.STRUCT_OPS, 0, null);
        } finally {
            Descriptors.of(map).release();
        }
        if (r < 0) {
            int errno = (int) -r;
            if (errno == Errno.EINVAL) {
                throw new BpfException("register " + description + ": " + Errno.describe(errno) + " (the map must"
                        + " be created with BPF_F_LINK, i.e. SEC(\".struct_ops.link\"), and hold its value)", errno);
            }
            throw Errors.of("register " + description, errno, "CAP_BPF + CAP_PERFMON");
        }
        return new StructOpsLink(Fd.own((int) r, description), description);
    }

    /**
     * Replaces the registered map with {@code map}, which must be a {@code SEC(".struct_ops.link")} map of the same
     * struct holding its value (as a loaded collection's map does).
     */
    public void update(BpfMap map) {
        if (map.type() != MapType.STRUCT_OPS) {
            throw new IllegalArgumentException("map '" + map.name() + "' is a " + map.type()
                    + " map; a struct_ops link can only be updated to a STRUCT_OPS map");
        }
        int linkFd = fd().acquire();
        try {
            int mapFd = Descriptors.of(map).acquire();
            try {
                NativeBuffer attr = Bpf.attr(Scratch.get(), LinkUpdateAttr.BYTES);
                attr.buffer().putInt(LinkUpdateAttr.LINK_FD, linkFd);
                attr.buffer().putInt(LinkUpdateAttr.NEW_MAP_FD, mapFd);
                long r = Bpf.call(Bpf.LINK_UPDATE, attr, LinkUpdateAttr.BYTES);
                if (r < 0) {
                    int errno = (int) -r;
                    String what = "update " + description() + " to map '" + map.name() + "'";
                    if (errno == Errno.EINVAL) {
                        throw new BpfException(what + ": " + Errno.describe(errno) + " (the map must be a"
                                + " SEC(\".struct_ops.link\") map of the same struct, holding its value)", errno);
                    }
                    throw Errors.of(what, errno, "CAP_BPF");
                }
            } finally {
                Descriptors.of(map).release();
            }
        } finally {
            fd().release();
        }
    }
}
