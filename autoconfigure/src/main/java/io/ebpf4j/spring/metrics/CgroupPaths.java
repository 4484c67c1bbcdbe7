package io.ebpf4j.spring.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * cgroup v2 paths by cgroup id (the {@code cgroup} decoder). A cgroup's id is the inode number of its directory in
 * the cgroup2 file system, which is what {@code bpf_get_current_cgroup_id()} returns. The hierarchy is walked once
 * and again when an id is not found, at most once per {@code rescanInterval} nanoseconds, so that new cgroups
 * resolve without a walk per unknown id.
 */
final class CgroupPaths {
    private final Path root;
    private final long rescanIntervalNanos;
    private final LongSupplier nanoTime;
    private final BoundedCache<Long, String> known;
    private long lastWalkNanos;
    private boolean walked;

    CgroupPaths(Path root, int cacheSize, long rescanIntervalNanos, LongSupplier nanoTime) {
        this.root = root;
        this.known = new BoundedCache<>(cacheSize);
        this.rescanIntervalNanos = rescanIntervalNanos;
        this.nanoTime = nanoTime;
    }

    /**
     * The decoder: a cgroup id (decimal text, as {@code uint} produces it) to its path, or {@code
     * unknown_cgroup_id:<id>}.
     */
    String decode(byte[] input) {
        long id = Long.parseUnsignedLong(new String(input, StandardCharsets.UTF_8));
        String path = known.get(id);
        if (path == null && rescan()) {
            path = known.get(id);
        }
        return path != null ? path : "unknown_cgroup_id:" + Long.toUnsignedString(id);
    }

    private synchronized boolean rescan() {
        long now = nanoTime.getAsLong();
        if (walked && now - lastWalkNanos < rescanIntervalNanos) {
            return false;
        }
        walked = true;
        lastWalkNanos = now;
        for (Map.Entry<Long, String> e : walk().entrySet()) {
            known.put(e.getKey(), e.getValue());
        }
        return true;
    }

    private Map<Long, String> walk() {
        Map<Long, String> found = new HashMap<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    try {
                        found.put(((Number) Files.getAttribute(dir, "unix:ino")).longValue(), dir.toString());
                        return FileVisitResult.CONTINUE;
                    } catch (IOException e) {
                        return FileVisitResult.SKIP_SUBTREE; // removed while we walk
                    }
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // cgroups come and go while we walk
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot walk the cgroup hierarchy at " + root, e);
        }
        return found;
    }
}
