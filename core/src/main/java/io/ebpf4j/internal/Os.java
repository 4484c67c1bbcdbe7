package io.ebpf4j.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the process that the JDK does not expose. */
public final class Os {
    private static final int AT_PAGESZ = 6;
    private static volatile int pageSize;

    private Os() {}

    /** The memory page size, from the aux vector. */
    public static int pageSize() {
        int size = pageSize;
        if (size == 0) {
            size = readPageSize();
            pageSize = size;
        }
        return size;
    }

    private static int readPageSize() {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(Path.of("/proc/self/auxv")))
                    .order(ByteOrder.nativeOrder());
            while (b.remaining() >= 16) {
                long type = b.getLong();
                long value = b.getLong();
                if (type == AT_PAGESZ) {
                    return (int) value;
                }
                if (type == 0) {
                    break;
                }
            }
        } catch (IOException e) {
            // fall through to the common default
        }
        return 4096;
    }

    /** The real user id of this process (0 = root), from /proc/self/status; -1 when unreadable. */
    public static int uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
