package io.ebpf4j;

/** Kernel map types ({@code enum bpf_map_type} of the kernel UAPI), with the properties ebpf4j needs to handle them. */
public enum MapType {
    UNSPEC(0, 0),
    HASH(1, 0),
    ARRAY(2, Traits.ARRAY_LIKE),
    PROG_ARRAY(3, Traits.ARRAY_LIKE),
    PERF_EVENT_ARRAY(4, Traits.ARRAY_LIKE),
    PERCPU_HASH(5, Traits.PER_CPU),
    PERCPU_ARRAY(6, Traits.PER_CPU | Traits.ARRAY_LIKE),
    STACK_TRACE(7, 0),
    CGROUP_ARRAY(8, Traits.ARRAY_LIKE),
    LRU_HASH(9, 0),
    LRU_PERCPU_HASH(10, Traits.PER_CPU),
    LPM_TRIE(11, 0),
    ARRAY_OF_MAPS(12, Traits.ARRAY_LIKE | Traits.MAP_IN_MAP),
    HASH_OF_MAPS(13, Traits.MAP_IN_MAP),
    DEVMAP(14, Traits.ARRAY_LIKE),
    SOCKMAP(15, Traits.ARRAY_LIKE),
    CPUMAP(16, Traits.ARRAY_LIKE),
    XSKMAP(17, Traits.ARRAY_LIKE),
    SOCKHASH(18, 0),
    CGROUP_STORAGE(19, 0),
    REUSEPORT_SOCKARRAY(20, Traits.ARRAY_LIKE),
    PERCPU_CGROUP_STORAGE(21, Traits.PER_CPU),
    QUEUE(22, Traits.NO_KEYS),
    STACK(23, Traits.NO_KEYS),
    SK_STORAGE(24, Traits.NEEDS_BTF),
    DEVMAP_HASH(25, 0),
    STRUCT_OPS(26, Traits.NEEDS_BTF),
    RINGBUF(27, Traits.NO_KEYS),
    INODE_STORAGE(28, Traits.NEEDS_BTF),
    TASK_STORAGE(29, Traits.NEEDS_BTF),
    BLOOM_FILTER(30, Traits.NO_KEYS),
    USER_RINGBUF(31, Traits.NO_KEYS),
    CGRP_STORAGE(32, Traits.NEEDS_BTF),
    ARENA(33, Traits.NO_KEYS),
    INSN_ARRAY(34, Traits.ARRAY_LIKE),
    RHASH(35, 0);

    private static final int PER_CPU = 1;
    private static final int NO_KEYS = 2;
    private static final int NEEDS_BTF = 4;
    private static final int ARRAY_LIKE = 8;
    private static final int MAP_IN_MAP = 16;
    private static final class Traits {
        static final int PER_CPU = 1;
        static final int NO_KEYS = 2;
        static final int NEEDS_BTF = 4;
        static final int ARRAY_LIKE = 8;
        static final int MAP_IN_MAP = 16;
    }

    private static final MapType[] BY_VALUE = new MapType[64];

    static {
        for (MapType t : values()) {
            BY_VALUE[t.value] = t;
        }
    }

    private final int value;
    private final int traits;

    MapType(int value, int traits) {
        this.value = value;
        this.traits = traits;
    }

    /** The kernel's number for this type. */
    public int value() {
        return value;
    }

    /** Whether a lookup returns one value per possible CPU. */
    public boolean isPerCpu() {
        return (traits & Traits.PER_CPU) != 0;
    }

    /** Whether the map is keyless (queue, stack, bloom filter, ring buffers, arena). */
    public boolean isKeyless() {
        return (traits & Traits.NO_KEYS) != 0;
    }

    /** Whether creation needs BTF key/value type ids (local storage, struct_ops). */
    public boolean requiresBtf() {
        return (traits & Traits.NEEDS_BTF) != 0;
    }

    /**
     * Whether creation refuses BTF key/value types (the kernel answers ENOTSUPP): libbpf creates such maps without
     * BTF ids whatever the object declares, and so does ebpf4j.
     */
    boolean refusesBtf() {
        switch (this) {
            case PERF_EVENT_ARRAY: case CGROUP_ARRAY: case STACK_TRACE: case ARRAY_OF_MAPS: case HASH_OF_MAPS:
            case DEVMAP: case DEVMAP_HASH: case CPUMAP: case XSKMAP: case SOCKMAP: case SOCKHASH: case QUEUE:
            case STACK:
                return true;
            default:
                return false;
        }
    }

    /** Whether keys are u32 indexes that always exist (lookups never miss for in-range keys). */
    public boolean isArrayLike() {
        return (traits & Traits.ARRAY_LIKE) != 0;
    }

    /** Whether values are file descriptors of inner maps. */
    public boolean isMapInMap() {
        return (traits & Traits.MAP_IN_MAP) != 0;
    }

    /** Whether values written from user space are file descriptors of other kernel objects. */
    public boolean holdsFileDescriptors() {
        switch (this) {
            case PROG_ARRAY:
            case ARRAY_OF_MAPS:
            case HASH_OF_MAPS:
            case PERF_EVENT_ARRAY:
            case CGROUP_ARRAY:
            case SOCKMAP:
            case SOCKHASH:
            case XSKMAP:
            case REUSEPORT_SOCKARRAY:
                return true;
            default:
                return false;
        }
    }

    /** The type with kernel number {@code value}. */
    public static MapType of(int value) {
        if (value >= 0 && value < BY_VALUE.length && BY_VALUE[value] != null) {
            return BY_VALUE[value];
        }
        throw new IllegalArgumentException("unknown map type " + value);
    }
}
