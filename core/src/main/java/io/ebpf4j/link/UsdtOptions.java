package io.ebpf4j.link;

/**
 * Options of {@link Links#usdt}.
 *
 * @param pid only this process triggers the probe; 0 (or libbpf's -1) for every process that runs the file
 * @param cookie a value the program reads with libbpf's {@code bpf_usdt_cookie()}
 */
public record UsdtOptions(int pid, long cookie) {
    public UsdtOptions {
        if (pid == -1) { // libbpf's "all processes"
            pid = 0;
        }
        if (pid < 0) {
            throw new IllegalArgumentException("negative pid " + pid);
        }
    }

    /** Every process, cookie 0. */
    public static UsdtOptions defaults() {
        return new UsdtOptions(0, 0);
    }

    public UsdtOptions withPid(int pid) {
        return new UsdtOptions(pid, cookie);
    }

    public UsdtOptions withCookie(long cookie) {
        return new UsdtOptions(pid, cookie);
    }
}
