package io.ebpf4j.link;

import io.ebpf4j.internal.Mounts;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A fresh cgroup v2 directory for a test, found through mountinfo (on this machine cgroup2 is at
 * /sys/fs/cgroup/unified). Processes moved in are moved back to the root cgroup on close, before the directory is
 * removed.
 */
final class TestCgroup implements AutoCloseable {
    private final Path root;
    private final Path path;

    private TestCgroup(Path root, Path path) {
        this.root = root;
        this.path = path;
    }

    static TestCgroup create() {
        Path root = Mounts.find(Mounts.CGROUP2).orElse(null);
        Assumptions.assumeTrue(root != null, "kernel: needs a cgroup v2 mount");
        Path path = root.resolve("ebpf4j-test-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.createDirectory(path);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create cgroup " + path, e);
        }
        return new TestCgroup(root, path);
    }

    Path path() {
        return path;
    }

    void moveIn(long pid) {
        write(path.resolve("cgroup.procs"), pid);
    }

    void moveOut(long pid) {
        write(root.resolve("cgroup.procs"), pid);
    }

    private static void write(Path procs, long pid) {
        try {
            Files.writeString(procs, Long.toString(pid));
        } catch (IOException e) {
            throw new IllegalStateException("cannot move pid " + pid + " to " + procs, e);
        }
    }

    @Override
    public void close() throws IOException {
        for (String pid : Files.readAllLines(path.resolve("cgroup.procs"))) {
            if (!pid.isBlank()) {
                try {
                    moveOut(Long.parseLong(pid.trim()));
                } catch (IllegalStateException e) {
                    // exited meanwhile
                }
            }
        }
        Files.delete(path);
    }
}
