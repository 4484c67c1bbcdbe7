package io.ebpf4j.internal;

import io.ebpf4j.BpfException;
import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Pinning kernel objects in bpffs and opening them again: shared by maps, programs and links. */
public final class Pins {
    private Pins() {}

    /** Pins the object behind {@code fd} at {@code path}; {@code what} names it in errors, e.g. "map 'counts'". */
    public static void pin(Fd fd, String what, String path) {
        Path parent = Path.of(path).toAbsolutePath().getParent();
        if (parent != null && Files.isDirectory(parent)) {
            Mounts.requireBpffs(parent);
        }
        int raw = fd.acquire();
        try {
            int r = Bpf.pin(raw, path);
            if (r == -Errno.ENOENT) {
                throw new BpfException("pin " + what + " at " + path + ": " + Errno.describe(-r)
                        + " (does the directory exist on a bpffs mount?)", -r);
            }
            if (r == -Errno.EEXIST) {
                throw new BpfException("pin " + what + " at " + path + ": " + Errno.describe(-r)
                        + " (something is already pinned there)", -r);
            }
            if (r != 0) {
                throw Errors.of("pin " + what + " at " + path, -r, "CAP_BPF");
            }
        } finally {
            fd.release();
        }
    }

    public static void unpin(String what, String path) {
        try {
            Files.deleteIfExists(Path.of(path));
        } catch (IOException e) {
            throw new BpfException("unpin " + what + " at " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the object pinned at {@code path}; {@code kind} is "map", "program" or "link", {@code fileFlags} is 0 or
     * {@code BPF_F_RDONLY}/{@code BPF_F_WRONLY}.
     */
    public static Fd open(String kind, String path, int fileFlags) {
        int raw = Bpf.objGet(path, fileFlags);
        if (raw < 0) {
            int errno = -raw;
            if (errno == Errno.ENOENT) {
                throw new BpfException("no pinned object at " + path, errno);
            }
            throw Errors.of("open pinned " + kind + " " + path, errno, "CAP_BPF");
        }
        return Fd.own(raw, kind + " pinned at " + path);
    }
}
