package io.ebpf4j.internal;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfPermissionException;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.NativeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Discovery of the pseudo file systems eBPF needs (bpffs, tracefs, cgroup2) through {@code /proc/self/mountinfo}. */
public final class Mounts {
    public static final String BPF = "bpf";
    public static final String TRACEFS = "tracefs";
    public static final String DEBUGFS = "debugfs";
    public static final String CGROUP2 = "cgroup2";

    private Mounts() {}

    /** A line of mountinfo: where a file system of some type is mounted. */
    public record Mount(Path mountPoint, String fsType, String source) {}

    public static List<Mount> all() {
        List<Mount> mounts = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            throw new BpfException("cannot read /proc/self/mountinfo: " + e.getMessage(), e);
        }
        for (String line : lines) {
            // "<id> <parent> <maj:min> <root> <mount point> <options> [optional fields] - <fstype> <source>
            //  <super options>"
            String[] fields = line.split(" ");
            int separator = -1;
            for (int i = 6; i < fields.length; i++) {
                if (fields[i].equals("-")) {
                    separator = i;
                    break;
                }
            }
            if (fields.length < 5 || separator < 0 || separator + 2 >= fields.length) {
                continue;
            }
            mounts.add(new Mount(Path.of(unescape(fields[4])), fields[separator + 1], fields[separator + 2]));
        }
        return mounts;
    }

    /** The first mount point of a file system type, if any. */
    public static Optional<Path> find(String fsType) {
        return all().stream().filter(m -> m.fsType().equals(fsType)).map(Mount::mountPoint).findFirst();
    }

    /** The file system type of the mount that contains {@code path} (longest matching mount point). */
    public static Optional<String> fsTypeOf(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Mount best = null;
        for (Mount m : all()) {
            if (absolute.startsWith(m.mountPoint())
                    && (best == null || m.mountPoint().getNameCount() >= best.mountPoint().getNameCount())) {
                best = m;
            }
        }
        return Optional.ofNullable(best).map(Mount::fsType);
    }

    /** Fails with instructions when {@code path} is not inside a mounted bpffs. */
    public static void requireBpffs(Path path) {
        Optional<String> type = fsTypeOf(path);
        if (type.isEmpty() || !type.get().equals(BPF)) {
            throw new BpfException(path + " is not on a BPF file system (it is on "
                    + type.orElse("no file system") + "): pinning needs bpffs, e.g. `mount -t bpf bpf /sys/fs/bpf`"
                    + " (in a container, mount the host's /sys/fs/bpf)");
        }
    }

    /** The tracefs root: from mountinfo, then the conventional places, as DESIGN prescribes. */
    public static Path tracefs() {
        Optional<Path> mounted = find(TRACEFS);
        if (mounted.isPresent()) {
            return mounted.get();
        }
        for (String candidate : new String[] {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}) {
            if (Files.exists(Path.of(candidate, "events"))) {
                return Path.of(candidate);
            }
        }
        throw new BpfException("tracefs is not mounted: tracepoints need it, e.g. "
                + "`mount -t tracefs tracefs /sys/kernel/tracing` "
                + "(in a container, mount the host's /sys/kernel/tracing)");
    }

    /** Where bpffs and tracefs are conventionally mounted. */
    public static final Path BPFFS_DEFAULT = Path.of("/sys/fs/bpf");
    public static final Path TRACEFS_DEFAULT = Path.of("/sys/kernel/tracing");

    /**
     * Mounts a file system of {@code fsType} at {@code target} unless one is mounted somewhere already: what a
     * privileged agent (or a test) does on a machine that has not mounted bpffs or tracefs.
     *
     * @return whether it mounted one
     * @throws BpfPermissionException without CAP_SYS_ADMIN
     */
    public static synchronized boolean mountIfMissing(String fsType, Path target) {
        if (find(fsType).isPresent()) {
            return false;
        }
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new BpfException("cannot create mount point " + target + ": " + e.getMessage(), e);
        }
        NativeBuffer source = new NativeBuffer(64);
        NativeBuffer path = new NativeBuffer(256);
        NativeBuffer type = new NativeBuffer(64);
        if (LibC.mount(source.putCString(fsType), path.putCString(target.toString()),
                type.putCString(fsType), 0, 0) != 0) {
            throw Errors.of("mount " + fsType + " at " + target,
                    LibC.errno(), "CAP_SYS_ADMIN");
        }
        return true;
    }

    private static String unescape(String field) {
        // mountinfo escapes space, tab, newline and backslash as octal
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                try {
                    out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape: keep the backslash
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}
