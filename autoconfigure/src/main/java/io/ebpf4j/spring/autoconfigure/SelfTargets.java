package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.internal.Mounts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What 'self' means in {@code ebpf.*} properties: this JVM's process, cgroup and executable. */
final class SelfTargets {
    static final String SELF = "self";

    private SelfTargets() {}

    static long pid() {
        return ProcessHandle.current().pid();
    }

    /** A pid property: 'self' or a number; {@code 0} (every process) when unset. */
    static int pid(String value) {
        if (value == null) {
            return 0;
        }
        return value.equals(SELF) ? Math.toIntExact(pid()) : Integer.parseInt(value);
    }

    /**
     * This process's cgroup v2 directory: the "0::<path>" line of /proc/self/cgroup resolved against the cgroup2
     * mount. On hybrid hierarchies the v2 mount is not at /sys/fs/cgroup (e.g. /sys/fs/cgroup/unified), hence the
     * lookup in mountinfo.
     *
     * @throws IllegalStateException when there is no cgroup v2 hierarchy or the process is not in it
     */
    static Path cgroup() {
        Path mount = Mounts.find(Mounts.CGROUP2).orElseThrow(() -> new IllegalStateException(
                "cgroup v2 is not mounted (mount it with `mount -t cgroup2 none /sys/fs/cgroup`)"));
        return mount.resolve(relativeCgroup(readProcSelfCgroup()).substring(1)).normalize();
    }

    /** The path of the "0::" (cgroup v2) entry of /proc/self/cgroup contents, starting with '/'. */
    static String relativeCgroup(List<String> procSelfCgroup) {
        Optional<String> unified = procSelfCgroup.stream().filter(line -> line.startsWith("0::")).findFirst();
        String path = unified.orElseThrow(() -> new IllegalStateException(
                "this process is in no cgroup v2 hierarchy (/proc/self/cgroup has no '0::' line)")).substring(3);
        // A cgroup removed under us reads as "/path (deleted)".
        return path.endsWith(" (deleted)") ? path.substring(0, path.length() - " (deleted)".length()) : path;
    }

    private static List<String> readProcSelfCgroup() {
        try {
            return Files.readAllLines(Path.of("/proc/self/cgroup"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/cgroup: " + e.getMessage(), e);
        }
    }

    /** A cgroup property: 'self', an absolute directory, or a path relative to the cgroup v2 mount. */
    static Path cgroup(String value) {
        if (value.equals(SELF)) {
            return cgroup();
        }
        Path path = Path.of(value);
        if (path.isAbsolute() && Files.isDirectory(path)) {
            return path;
        }
        return Mounts.find(Mounts.CGROUP2).map(mount -> mount.resolve(value.startsWith("/") ? value.substring(1)
                : value).normalize()).filter(Files::isDirectory).orElse(path);
    }

    /** This JVM's executable (the java launcher). */
    static Path executable() {
        try {
            return Path.of("/proc/self/exe").toRealPath();
        } catch (IOException e) {
            throw new IllegalStateException("cannot resolve /proc/self/exe: " + e.getMessage(), e);
        }
    }

    /** This process's network namespace. */
    static Path networkNamespace() {
        return Path.of("/proc/self/ns/net");
    }
}
