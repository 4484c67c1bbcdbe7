package io.ebpf4j;

import io.ebpf4j.btf.Type;
import io.ebpf4j.internal.Cpus;
import io.ebpf4j.internal.Os;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Blueprint of a map: everything needed to create it, nothing owned. Mutable so that a loaded object's maps can be
 * resized or renamed before creation; {@link #copy()} gives an independent copy.
 *
 * <pre>{@code
 * MapSpec spec = new MapSpec("counts", MapType.HASH).keySize(4).valueSize(8).maxEntries(1024);
 * }</pre>
 */
public final class MapSpec {
    /** An initial entry written after creation. */
    public record Entry(Object key, Object value) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    private String name;
    private MapType type;
    private int keySize;
    private int valueSize;
    private int maxEntries;
    private int flags;
    private Pinning pinning = Pinning.NONE;
    private MapSpec innerMap;
    private int numaNode = -1;
    private long mapExtra;
    private boolean freeze;
    private boolean autocreate = true;
    private List<Entry> contents = new ArrayList<>();
    private Type keyType;
    private Type valueType;
    private Map<String, String> structOpsPrograms = new LinkedHashMap<>();

    public MapSpec(String name, MapType type) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
    }

    public String name() {
        return name;
    }

    public MapSpec name(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    public MapType type() {
        return type;
    }

    public MapSpec type(MapType type) {
        this.type = Objects.requireNonNull(type, "type");
        return this;
    }

    public int keySize() {
        return keySize;
    }

    public MapSpec keySize(int keySize) {
        this.keySize = keySize;
        return this;
    }

    public int valueSize() {
        return valueSize;
    }

    public MapSpec valueSize(int valueSize) {
        this.valueSize = valueSize;
        return this;
    }

    public int maxEntries() {
        return maxEntries;
    }

    public MapSpec maxEntries(int maxEntries) {
        this.maxEntries = maxEntries;
        return this;
    }

    /** {@code BPF_F_*} creation flags. */
    public int flags() {
        return flags;
    }

    public MapSpec flags(int flags) {
        this.flags = flags;
        return this;
    }

    public Pinning pinning() {
        return pinning;
    }

    public MapSpec pinning(Pinning pinning) {
        this.pinning = Objects.requireNonNull(pinning, "pinning");
        return this;
    }

    /** Template of the inner maps of a map-in-map. */
    public MapSpec innerMap() {
        return innerMap;
    }

    public MapSpec innerMap(MapSpec innerMap) {
        this.innerMap = innerMap;
        return this;
    }

    /** NUMA node to allocate on, or -1 for any. */
    public int numaNode() {
        return numaNode;
    }

    public MapSpec numaNode(int numaNode) {
        this.numaNode = numaNode;
        return this;
    }

    /** Type-specific extra ({@code map_extra}: bloom filter hash count, arena address). */
    public long mapExtra() {
        return mapExtra;
    }

    public MapSpec mapExtra(long mapExtra) {
        this.mapExtra = mapExtra;
        return this;
    }

    /** Whether the map is frozen (read-only for user space) once its contents are written. */
    public boolean freeze() {
        return freeze;
    }

    public MapSpec freeze(boolean freeze) {
        this.freeze = freeze;
        return this;
    }

    /**
     * Whether loading a collection creates this map (libbpf's {@code bpf_map__set_autocreate}). A map left out is
     * absent from the collection; programs that use it must not be loaded, except struct_ops programs that only it
     * calls, which are then left out too.
     */
    public boolean autocreate() {
        return autocreate;
    }

    public MapSpec autocreate(boolean autocreate) {
        this.autocreate = autocreate;
        return this;
    }

    /**
     * Entries written right after creation. Keys and values are {@code byte[]} of the map's sizes, or {@link Number}s
     * for u32 keys; for program arrays and map-in-maps a value may also name a program or map of the same
     * collection, or be a {@link BpfProgram} / {@link BpfMap}. A STRUCT_OPS map has one entry, key 0, whose value
     * is laid out as the object's struct ({@link #valueType()}), not the kernel's.
     */
    public List<Entry> contents() {
        return contents;
    }

    public MapSpec contents(List<Entry> contents) {
        this.contents = new ArrayList<>(contents);
        return this;
    }

    /** BTF type of the keys, when known (from the object's BTF); local-storage maps need it. */
    public Type keyType() {
        return keyType;
    }

    public MapSpec keyType(Type keyType) {
        this.keyType = keyType;
        return this;
    }

    /** BTF type of the values, when known; used for spin locks, timers and decoding map contents. */
    public Type valueType() {
        return valueType;
    }

    public MapSpec valueType(Type valueType) {
        this.valueType = valueType;
        return this;
    }

    /**
     * For {@link MapType#STRUCT_OPS} maps: the program of the collection that each function-pointer member of the
     * value calls, by member name (e.g. {@code cong_avoid} → {@code my_cong_avoid}). The value's other members are
     * data, in {@link #contents()}; the loader lays both out as the kernel's struct and writes the programs'
     * descriptors into their members.
     */
    public Map<String, String> structOpsPrograms() {
        return structOpsPrograms;
    }

    public MapSpec structOpsPrograms(Map<String, String> programsByMember) {
        this.structOpsPrograms = new LinkedHashMap<>(programsByMember);
        return this;
    }

    /** Number of bytes a lookup writes: per-CPU maps return one 8-byte aligned slot per possible CPU. */
    public int valueBufferSize() {
        return type.isPerCpu() ? align8(valueSize) * Cpus.possible() : valueSize;
    }

    /**
     * The size a ring buffer of {@code maxEntries} bytes is created with: the kernel wants a power-of-two multiple of
     * the page size, so libbpf rounds other sizes up to the next one (its {@code adjust_ringbuf_sz}); sizes too close
     * to the top of the range are left for the kernel to refuse.
     */
    static int ringBufferSize(int maxEntries) {
        long page = Os.pageSize();
        if (maxEntries <= 0 || (maxEntries % page == 0 && Long.bitCount(maxEntries / page) == 1)) {
            return maxEntries;
        }
        for (long size = page; size <= 0xffff_ffffL; size <<= 1) {
            if (size > maxEntries) {
                return (int) size; // up to 2^31 still fits the kernel's u32 when read back unsigned
            }
        }
        return maxEntries;
    }

    static int align8(int size) {
        return (size + 7) & ~7;
    }

    /** A deep copy: the inner map template, the contents list and its byte arrays are copied too. */
    public MapSpec copy() {
        MapSpec copy = new MapSpec(name, type);
        copy.keySize = keySize;
        copy.valueSize = valueSize;
        copy.maxEntries = maxEntries;
        copy.flags = flags;
        copy.pinning = pinning;
        copy.innerMap = innerMap == null ? null : innerMap.copy();
        copy.numaNode = numaNode;
        copy.mapExtra = mapExtra;
        copy.freeze = freeze;
        copy.autocreate = autocreate;
        copy.contents = new ArrayList<>();
        for (Entry e : contents) {
            copy.contents.add(e.value() instanceof byte[] ? new Entry(e.key(), ((byte[]) e.value()).clone()) : e);
        }
        copy.keyType = keyType;
        copy.valueType = valueType;
        copy.structOpsPrograms = new LinkedHashMap<>(structOpsPrograms);
        return copy;
    }

    /**
     * Checks what the kernel would reject with a bare EINVAL, so that the error can say what is wrong.
     *
     * @throws IllegalArgumentException naming the map and the problem
     */
    public void validate() {
        if (keySize < 0 || valueSize < 0 || maxEntries < 0) {
            throw invalid("key size, value size and max entries must not be negative (key " + keySize + ", value "
                    + valueSize + ", max entries " + maxEntries + ")");
        }
        switch (type) {
            case UNSPEC:
                throw invalid("map type UNSPEC cannot be created");
            case RINGBUF:
            case USER_RINGBUF:
                if (keySize != 0 || valueSize != 0) {
                    throw invalid("ring buffers have no keys or values (key size and value size must be 0)");
                }
                requirePositive("size (max entries)", maxEntries); // other sizes are rounded up on creation
                break;
            case QUEUE:
            case STACK:
            case BLOOM_FILTER:
                if (keySize != 0) {
                    throw invalid("a " + type + " map has no keys: key size must be 0, got " + keySize);
                }
                requirePositive("value size", valueSize);
                requirePositive("max entries", maxEntries);
                break;
            case ARRAY:
            case PERCPU_ARRAY:
            case PROG_ARRAY:
            case ARRAY_OF_MAPS:
            case CGROUP_ARRAY:
            case DEVMAP:
            case CPUMAP:
            case XSKMAP:
            case SOCKMAP:
                if (keySize != 4) {
                    throw invalid(type + " keys are u32 indexes: key size must be 4, got " + keySize);
                }
                requirePositive("value size", valueSize);
                requirePositive("max entries", maxEntries);
                break;
            case PERF_EVENT_ARRAY:
                if (keySize != 4 || valueSize != 4) {
                    throw invalid("PERF_EVENT_ARRAY needs key size 4 and value size 4, got " + keySize + " and "
                            + valueSize);
                }
                break;
            case LPM_TRIE:
                if ((flags & 1) == 0) {
                    throw invalid("LPM_TRIE maps must be created with BPF_F_NO_PREALLOC");
                }
                if (keySize <= 4) {
                    throw invalid("LPM_TRIE keys start with a u32 prefix length followed by the data: key size must "
                            + "be more than 4, got " + keySize);
                }
                requirePositive("value size", valueSize);
                requirePositive("max entries", maxEntries);
                break;
            case SK_STORAGE:
            case INODE_STORAGE:
            case TASK_STORAGE:
            case CGRP_STORAGE:
                if (maxEntries != 0) {
                    throw invalid("local storage maps are sized by their owners: max entries must be 0, got "
                            + maxEntries);
                }
                requirePositive("value size", valueSize);
                break;
            case STRUCT_OPS:
            case ARENA:
            case CGROUP_STORAGE:
            case PERCPU_CGROUP_STORAGE:
                break;
            default:
                requirePositive("key size", keySize);
                requirePositive("value size", valueSize);
                requirePositive("max entries", maxEntries);
        }
        if (type.isMapInMap()) {
            if (innerMap == null) {
                throw invalid(type + " needs an inner map template (innerMap)");
            }
            if (valueSize != 4) {
                throw invalid(type + " values are inner map fds: value size must be 4, got " + valueSize);
            }
            innerMap.validate();
        }
    }

    private void requirePositive(String what, int value) {
        if (value <= 0) {
            throw invalid(what + " must be positive for a " + type + " map, got " + value);
        }
    }

    private IllegalArgumentException invalid(String problem) {
        return new IllegalArgumentException("map '" + name + "': " + problem);
    }

    @Override
    public String toString() {
        return "MapSpec[" + name + ", " + type + ", key " + keySize + ", value " + valueSize + ", max " + maxEntries
                + (flags != 0 ? ", flags 0x" + Integer.toHexString(flags) : "")
                + (pinning != Pinning.NONE ? ", pinned " + pinning : "") + "]";
    }
}
