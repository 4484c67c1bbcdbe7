package io.ebpf4j.link;

/**
 * Options of {@link Links#uprobe} and {@link Links#uretprobe}.
 *
 * @param pid only this process triggers the probe; 0 (or libbpf's -1) for every process that runs the file
 * @param offset bytes added to the symbol's offset (a probe inside the function)
 * @param refCounterOffset file offset of a USDT-style semaphore (a 16-bit counter) that the kernel increments while
 *     the probe is attached; 0 for none
 * @param cookie a value the program reads with {@code bpf_get_attach_cookie} (needs Linux 5.15+)
 */
public record UprobeOptions(int pid, long offset, long refCounterOffset, long cookie) {
    public UprobeOptions {
        if (pid == -1) { // libbpf's "all processes"
            pid = 0;
        }
        if (pid < 0 || offset < 0 || refCounterOffset < 0) {
            throw new IllegalArgumentException("uprobe options must not be negative: pid " + pid + ", offset "
                    + offset + ", refCounterOffset " + refCounterOffset);
        }
    }

    /** Every process, the symbol's own address, no semaphore, no cookie. */
    public static UprobeOptions defaults() {
        return new UprobeOptions(0, 0, 0, 0);
    }

    public UprobeOptions withPid(int pid) {
        return new UprobeOptions(pid, offset, refCounterOffset, cookie);
    }

    public UprobeOptions withOffset(long offset) {
        return new UprobeOptions(pid, offset, refCounterOffset, cookie);
    }

    public UprobeOptions withRefCounterOffset(long refCounterOffset) {
        return new UprobeOptions(pid, offset, refCounterOffset, cookie);
    }

    public UprobeOptions withCookie(long cookie) {
        return new UprobeOptions(pid, offset, refCounterOffset, cookie);
    }
}
