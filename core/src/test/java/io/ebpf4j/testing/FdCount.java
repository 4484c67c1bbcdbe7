package io.ebpf4j.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * This process's descriptors of kernel objects — anonymous inodes (BPF maps, programs, links and BTF, perf events,
 * epoll, eventfd) and sockets — to prove that nothing leaks. Regular files are left out: the JVM opens and closes
 * those (class path jars, /proc reads) on its own schedule.
 *
 * <p>A leak check compares a {@link #snapshot()} with the descriptors open later and reports those opened since, not a
 * difference of counts: another thread may close a descriptor meanwhile (a close deferred until a concurrent use ends,
 * the cleaner releasing what an earlier test dropped), and a count would then hide a leak or fail without one.
 */
public final class FdCount {
    private FdCount() {}

    public static int now() {
        return open().size();
    }

    public static Snapshot snapshot() {
        return new Snapshot(open());
    }

    /** The descriptors open when it was taken. */
    public static final class Snapshot {
        private final Map<Integer, String> descriptors;

        private Snapshot(Map<Integer, String> descriptors) {
            this.descriptors = descriptors;
        }

        /** Descriptors open now that were not open, or referred to another kind of object, when it was taken. */
        public List<String> openedSince() {
            List<String> opened = new ArrayList<>();
            open().forEach((fd, target) -> {
                if (!target.equals(descriptors.get(fd))) {
                    opened.add("fd " + fd + " -> " + target);
                }
            });
            return opened;
        }
    }

    private static Map<Integer, String> open() {
        Map<Integer, String> open = new TreeMap<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                if (target.startsWith("anon_inode:") || target.startsWith("socket:")) {
                    open.put(Integer.parseInt(fd.getFileName().toString()), target);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
        return open;
    }
}
