package io.ebpf4j;

import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;

/**
 * Keeps the kernel's run-time statistics of all programs ({@code run_cnt}, {@code run_time_ns} in
 * {@link ProgramInfo}) enabled while open, through {@code BPF_ENABLE_STATS}. Unlike the
 * {@code kernel.bpf_stats_enabled} sysctl, this switches statistics off again when closed (or when the process
 * dies), so nothing is left behind.
 */
public final class BpfStats implements AutoCloseable {
    private final Fd fd;

    private BpfStats(Fd fd) {
        this.fd = fd;
    }

    /** Turns run-time statistics on until {@link #close()}. */
    public static BpfStats enable() {
        int raw = Bpf.enableStats(0 /* BPF_STATS_RUN_TIME */);
        if (raw < 0) {
            if (-raw == Errno.EINVAL) {
                throw new NotSupportedException("BPF_ENABLE_STATS",
                        "this kernel cannot enable BPF statistics (BPF_ENABLE_STATS needs 5.8)", -raw);
            }
            throw Errors.of("enable BPF run-time statistics", -raw, "CAP_SYS_ADMIN");
        }
        return new BpfStats(Fd.own(raw, "BPF statistics switch"));
    }

    @Override
    public void close() {
        fd.close();
    }
}
