package io.ebpf4j.spring.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Block device names by device number (the {@code majorminor} decoder): the kernel's {@code new_encode_dev()} u32
 * is split into major and minor and looked up in {@code /proc/partitions}. Found names are cached.
 */
final class BlockDevices {
    private final Path partitions;
    private final BoundedCache<Long, String> names;

    BlockDevices(Path partitions, int cacheSize) {
        this.partitions = partitions;
        this.names = new BoundedCache<>(cacheSize);
    }

    /**
     * The decoder: u32 device number (first 4 bytes) to a name such as {@code sda2}, or {@code
     * unknown:<major>:<minor>}.
     */
    String decode(byte[] input) {
        if (input.length < 4) {
            throw new IllegalArgumentException("majorminor needs a 4-byte device number, got " + input.length
                    + " bytes");
        }
        long dev = NativeInts.read(input, 0, 4);
        long major = (dev & 0xfff00L) >>> 8;
        long minor = (dev & 0xffL) | ((dev >>> 12) & 0xfff00L);
        String name = names.computeIfAbsent(dev, d -> lookup(major, minor));
        return name != null ? name : "unknown:" + major + ":" + minor;
    }

    private String lookup(long major, long minor) {
        List<String> lines;
        try {
            lines = Files.readAllLines(partitions);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + partitions, e);
        }
        String majorText = Long.toString(major);
        String minorText = Long.toString(minor);
        for (String line : lines) {
            // "major minor  #blocks  name"
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 4 && fields[0].equals(majorText) && fields[1].equals(minorText)) {
                return fields[3];
            }
        }
        return null;
    }
}
