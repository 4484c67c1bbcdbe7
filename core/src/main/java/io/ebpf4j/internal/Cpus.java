package io.ebpf4j.internal;

import io.ebpf4j.BpfException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** CPU sets from sysfs. Per-CPU map values hold one slot per <em>possible</em> CPU, not per online CPU. */
public final class Cpus {
    private static volatile int possible;
    private static volatile int[] online;

    private Cpus() {}

    /** Number of possible CPUs ({@code /sys/devices/system/cpu/possible}). */
    public static int possible() {
        int n = possible;
        if (n == 0) {
            n = parseList(read("/sys/devices/system/cpu/possible")).length;
            possible = n;
        }
        return n;
    }

    /** Ids of the online CPUs ({@code /sys/devices/system/cpu/online}). */
    public static int[] online() {
        int[] ids = online;
        if (ids == null) {
            ids = parseList(read("/sys/devices/system/cpu/online"));
            online = ids;
        }
        return ids.clone();
    }

    /** Parses a kernel CPU list such as {@code 0-3,5,7-8}. */
    public static int[] parseList(String list) {
        String trimmed = list.trim();
        if (trimmed.isEmpty()) {
            throw new BpfException("empty CPU list");
        }
        List<Integer> ids = new ArrayList<>();
        for (String part : trimmed.split(",")) {
            int dash = part.indexOf('-');
            try {
                if (dash < 0) {
                    ids.add(Integer.parseInt(part));
                } else {
                    int from = Integer.parseInt(part.substring(0, dash));
                    int to = Integer.parseInt(part.substring(dash + 1));
                    if (to < from || to - from > 1 << 16) {
                        throw new BpfException("bad CPU range '" + part + "' in '" + list + "'");
                    }
                    for (int i = from; i <= to; i++) {
                        ids.add(i);
                    }
                }
            } catch (NumberFormatException e) {
                throw new BpfException("bad CPU list '" + list + "'", e);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new BpfException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
