package io.ebpf4j.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The calling process's effective capabilities, for permission errors that say what is missing. */
public final class Capabilities {
    public static final int CAP_NET_ADMIN = 12;
    public static final int CAP_IPC_LOCK = 14;
    public static final int CAP_SYS_ADMIN = 21;
    public static final int CAP_SYS_RESOURCE = 24;
    public static final int CAP_SYSLOG = 34;
    public static final int CAP_PERFMON = 38;
    public static final int CAP_BPF = 39;

    private Capabilities() {}

    /** The CapEff mask of this process, or -1 when /proc is unreadable. */
    public static long effective() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return Long.parseUnsignedLong(line.substring(7).trim(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    public static boolean has(int capability) {
        long mask = effective();
        return mask != -1 && (mask & (1L << capability)) != 0;
    }

    public static int number(String name) {
        switch (name) {
            case "CAP_NET_ADMIN": return CAP_NET_ADMIN;
            case "CAP_IPC_LOCK": return CAP_IPC_LOCK;
            case "CAP_SYS_ADMIN": return CAP_SYS_ADMIN;
            case "CAP_SYS_RESOURCE": return CAP_SYS_RESOURCE;
            case "CAP_SYSLOG": return CAP_SYSLOG;
            case "CAP_PERFMON": return CAP_PERFMON;
            case "CAP_BPF": return CAP_BPF;
            default: return -1;
        }
    }

    /**
     * Of the capabilities in {@code required} (joined by " + "), those this process lacks. CAP_SYS_ADMIN stands in
     * for CAP_BPF and CAP_PERFMON, as the kernel accepts it for both.
     */
    public static List<String> missing(String required) {
        long mask = effective();
        List<String> missing = new ArrayList<>();
        if (mask == -1) {
            return missing;
        }
        boolean sysAdmin = (mask & (1L << CAP_SYS_ADMIN)) != 0;
        for (String name : required.split("\\s*\\+\\s*")) {
            int n = number(name);
            if (n < 0) {
                continue;
            }
            boolean covered = (mask & (1L << n)) != 0 || (sysAdmin && (n == CAP_BPF || n == CAP_PERFMON));
            if (!covered) {
                missing.add(name);
            }
        }
        return missing;
    }
}
