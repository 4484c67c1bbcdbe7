package io.ebpf4j.link;

/**
 * Where a netfilter program hooks in ({@link Links#netfilter}). The program returns {@code NF_ACCEPT} (1) or
 * {@code NF_DROP} (0).
 *
 * @param protocolFamily {@link #IPV4} or {@link #IPV6}
 * @param hook one of {@link #PRE_ROUTING}, {@link #LOCAL_IN}, {@link #FORWARD}, {@link #LOCAL_OUT},
 *     {@link #POST_ROUTING}
 * @param priority order among the hooks' functions (lower runs first); neither {@code Integer.MIN_VALUE} nor
 *     {@code Integer.MAX_VALUE}, which netfilter reserves
 * @param flags {@link #F_IP_DEFRAG} to see reassembled packets, or 0
 */
public record NetfilterOptions(int protocolFamily, int hook, int priority, int flags) {
    public static final int IPV4 = 2;
    public static final int IPV6 = 10;

    public static final int PRE_ROUTING = 0;
    public static final int LOCAL_IN = 1;
    public static final int FORWARD = 2;
    public static final int LOCAL_OUT = 3;
    public static final int POST_ROUTING = 4;

    /** {@code BPF_F_NETFILTER_IP_DEFRAG}: defragment before the program runs (Linux 6.6+). */
    public static final int F_IP_DEFRAG = 1;

    public NetfilterOptions {
        if (protocolFamily != IPV4 && protocolFamily != IPV6) {
            throw new IllegalArgumentException("protocol family must be IPV4 (2) or IPV6 (10), not " + protocolFamily);
        }
        if (hook < PRE_ROUTING || hook > POST_ROUTING) {
            throw new IllegalArgumentException("netfilter hook must be 0..4, not " + hook);
        }
        if (priority == Integer.MIN_VALUE || priority == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("netfilter reserves priority " + priority);
        }
    }

    /** A hook at priority 0 without flags. */
    public static NetfilterOptions of(int protocolFamily, int hook) {
        return new NetfilterOptions(protocolFamily, hook, 0, 0);
    }

    public NetfilterOptions withPriority(int priority) {
        return new NetfilterOptions(protocolFamily, hook, priority, flags);
    }

    public NetfilterOptions withFlags(int flags) {
        return new NetfilterOptions(protocolFamily, hook, priority, flags);
    }
}
