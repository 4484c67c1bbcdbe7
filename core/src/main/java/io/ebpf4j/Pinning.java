package io.ebpf4j;

/** How a map is pinned when its collection is loaded (libbpf's {@code LIBBPF_PIN_*}). */
public enum Pinning {
    /** Not pinned. */
    NONE,
    /** Pinned as {@code <pin path>/<map name>}; an existing compatible pin is reused, so contents survive restarts. */
    BY_NAME
}
