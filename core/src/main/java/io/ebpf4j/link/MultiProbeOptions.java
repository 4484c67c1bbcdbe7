package io.ebpf4j.link;

import java.util.List;

/**
 * Options of {@link Links#kprobeMulti} and {@link Links#uprobeMulti}.
 *
 * @param retprobe fire on return instead of on entry
 * @param pid uprobes only: only this process triggers them; 0 for every process
 * @param cookies one {@code bpf_get_attach_cookie} value per location, in the order of the locations; empty for
 *     none
 */
public record MultiProbeOptions(boolean retprobe, int pid, List<Long> cookies) {
    public MultiProbeOptions {
        if (pid < 0) {
            throw new IllegalArgumentException("negative pid " + pid);
        }
        cookies = List.copyOf(cookies);
    }

    /** Entry probes, every process, no cookies. */
    public static MultiProbeOptions defaults() {
        return new MultiProbeOptions(false, 0, List.of());
    }

    public MultiProbeOptions withRetprobe(boolean retprobe) {
        return new MultiProbeOptions(retprobe, pid, cookies);
    }

    public MultiProbeOptions withPid(int pid) {
        return new MultiProbeOptions(retprobe, pid, cookies);
    }

    public MultiProbeOptions withCookies(List<Long> cookies) {
        return new MultiProbeOptions(retprobe, pid, cookies);
    }
}
