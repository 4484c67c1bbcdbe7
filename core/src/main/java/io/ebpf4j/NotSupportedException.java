package io.ebpf4j;

/**
 * The running kernel lacks a feature: a map or program type, a helper, an attach hook, a {@code bpf(2)} command.
 * The equivalent of cilium/ebpf's {@code ErrNotSupported}: callers may catch it to degrade gracefully.
 */
public class NotSupportedException extends BpfException {
    private static final long serialVersionUID = 1L;

    private final String feature;

    public NotSupportedException(String feature, String message) {
        this(feature, message, 0);
    }

    public NotSupportedException(String feature, String message, int errno) {
        super(message, errno);
        this.feature = feature;
    }

    /** What is missing, e.g. {@code "kprobe"} or {@code "map type RINGBUF"}. */
    public String feature() {
        return feature;
    }
}
