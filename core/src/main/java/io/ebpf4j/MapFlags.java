package io.ebpf4j;

/**
 * Flags of map creation ({@code map_flags}: {@code BPF_F_NO_PREALLOC}, {@code BPF_F_MMAPABLE}, ...), for
 * {@link MapSpec#flags(int)} and {@link BpfMap#flags()}. Combine them with {@code |}.
 */
public final class MapFlags {
    /** Hash maps allocate each element on update instead of all of them at creation; required by LPM tries. */
    public static final int NO_PREALLOC = 1;
    /** LRU maps keep one free list for all CPUs instead of one per CPU. */
    public static final int NO_COMMON_LRU = 1 << 1;
    /** Allocate on the NUMA node given with the map. */
    public static final int NUMA_NODE = 1 << 2;
    /** User space may only read the map through this descriptor. */
    public static final int RDONLY = 1 << 3;
    /** User space may only write the map through this descriptor. */
    public static final int WRONLY = 1 << 4;
    /** Stack trace maps store build ids and offsets instead of addresses. */
    public static final int STACK_BUILD_ID = 1 << 5;
    /** Hash maps hash with a seed of zero (reproducible iteration order; for tests). */
    public static final int ZERO_SEED = 1 << 6;
    /** BPF programs may only read the map (read-only data sections). */
    public static final int RDONLY_PROG = 1 << 7;
    /** BPF programs may only write the map. */
    public static final int WRONLY_PROG = 1 << 8;
    /** Socket storage maps are copied into sockets cloned from one that has an element. */
    public static final int CLONE = 1 << 9;
    /** Array values can be mapped into memory ({@link BpfMap#mmap()}); data sections use it. */
    public static final int MMAPABLE = 1 << 10;
    /** Perf event arrays keep their entries when the map's last user-space descriptor is closed. */
    public static final int PRESERVE_ELEMS = 1 << 11;
    /** The map is only a template for the inner maps of a map-in-map. */
    public static final int INNER_MAP = 1 << 12;
    /** A struct_ops map registered by a bpf_link ({@code SEC(".struct_ops.link")}) instead of by its update. */
    public static final int LINK = 1 << 13;

    private MapFlags() {}
}
