package io.ebpf4j.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts this process's descriptors of kernel objects — anonymous inodes (BPF maps, programs, links and BTF, perf
 * events, epoll, eventfd) and sockets — to prove that nothing leaks. Regular files are left out: the JVM opens and
 * closes those (class path jars, /proc reads) on its own schedule.
 */
public final class FdCount {
    private FdCount() {}

    public static int now() {
        int count = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                if (target.startsWith("anon_inode:") || target.startsWith("socket:")) {
                    count++;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
        return count;
    }
}
