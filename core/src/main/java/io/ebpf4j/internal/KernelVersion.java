package io.ebpf4j.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The running kernel's release, read once from {@code /proc/sys/kernel/osrelease}. */
public record KernelVersion(int major, int minor, int patch, String release) implements Comparable<KernelVersion> {
    private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");
    private static volatile KernelVersion current;

    public static KernelVersion current() {
        KernelVersion v = current;
        if (v == null) {
            String release;
            try {
                release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
            } catch (IOException e) {
                release = System.getProperty("os.version", "0.0.0");
            }
            v = parse(release);
            current = v;
        }
        return v;
    }

    public static KernelVersion parse(String release) {
        Matcher m = RELEASE.matcher(release);
        if (!m.matches()) {
            return new KernelVersion(0, 0, 0, release);
        }
        return new KernelVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), release);
    }

    /** {@code LINUX_VERSION_CODE} as the kernel computes it (the patch level saturates at 255). */
    public int code() {
        return (major << 16) + (minor << 8) + Math.min(patch, 255);
    }

    public boolean atLeast(int major, int minor) {
        return this.major > major || (this.major == major && this.minor >= minor);
    }

    @Override
    public int compareTo(KernelVersion o) {
        return Integer.compare(code(), o.code());
    }

    @Override
    public String toString() {
        return release;
    }
}
