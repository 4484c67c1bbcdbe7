package io.ebpf4j.link;

/**
 * Options of {@link Links#kprobe} and {@link Links#kretprobe}.
 *
 * @param offset bytes into the function where the probe goes (kprobes only; 0 is the function's entry)
 * @param cookie a value the program reads with {@code bpf_get_attach_cookie} (needs Linux 5.15+)
 */
public record KprobeOptions(long offset, long cookie) {
    public KprobeOptions {
        if (offset < 0) {
            throw new IllegalArgumentException("negative kprobe offset " + offset);
        }
    }

    /** No offset, no cookie. */
    public static KprobeOptions defaults() {
        return new KprobeOptions(0, 0);
    }

    public KprobeOptions withOffset(long offset) {
        return new KprobeOptions(offset, cookie);
    }

    public KprobeOptions withCookie(long cookie) {
        return new KprobeOptions(offset, cookie);
    }
}
