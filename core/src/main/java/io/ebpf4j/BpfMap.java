package io.ebpf4j;

import io.ebpf4j.btf.Builder;
import io.ebpf4j.btf.Handle;
import io.ebpf4j.features.Features;
import io.ebpf4j.internal.Capabilities;
import io.ebpf4j.internal.Cpus;
import io.ebpf4j.internal.Pins;
import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.BpfMapInfo;
import io.ebpf4j.internal.sys.Descriptors;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.MapBatchAttr;
import io.ebpf4j.internal.sys.MapCreateAttr;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.Scratch;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A map in the kernel. Owns its file descriptor: {@link #close()} releases it (the kernel frees the map once no
 * program, pin or other descriptor refers to it).
 *
 * <p>Element operations come in three forms: {@code byte[]} (exactly {@link #keySize()} and
 * {@link #valueBufferSize()} bytes), {@link ByteBuffer} (read from / written at the buffer's position, which is not
 * moved) and raw native addresses. All of them make one {@code bpf(2)} call and allocate nothing. Lookups of absent
 * keys return {@code false}. Per-CPU maps read and write one 8-byte aligned value per possible CPU
 * ({@link #valueBufferSize()}).
 *
 * <p>Thread-safe: operations may run concurrently with each other and with {@link #close()}; after close they fail
 * with a {@link BpfException} instead of touching a recycled descriptor.
 */
public final class BpfMap implements KernelObject {
    static {
        Descriptors.register(BpfMap.class, bpfmap -> bpfmap.fd);
    }


    private final Fd fd;
    private final String name;
    private final MapType type;
    private final int keySize;
    private final int valueSize;
    private final int valueBufferSize;
    private final int maxEntries;
    private final int flags;
    private volatile String pinnedPath;

    private BpfMap(Fd fd, String name, MapType type, int keySize, int valueSize, int maxEntries, int flags) {
        this.fd = fd;
        this.name = name;
        this.type = type;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.valueBufferSize = type.isPerCpu() ? MapSpec.align8(valueSize) * Cpus.possible() : valueSize;
        this.maxEntries = maxEntries;
        this.flags = flags;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Creation and opening

    /**
     * Creates a map from a spec, writes the spec's contents and freezes it if asked. When the spec carries BTF key
     * or value types (needed by local-storage maps, spin locks and timers), they are loaded into the kernel as a
     * small BTF object first.
     */
    public static BpfMap create(MapSpec spec) {
        if ((spec.keyType() == null && spec.valueType() == null) || spec.type().refusesBtf()) {
            return create(spec, MapBtf.NONE);
        }
        Builder btf = new Builder();
        int key = spec.keyType() == null ? 0 : btf.add(spec.keyType());
        int value = spec.valueType() == null ? 0 : btf.add(spec.valueType());
        try (Handle handle = Handle.load(btf)) {
            return create(spec, new MapBtf(handle.fd(), key, value, 0));
        }
    }

    /** BTF ids to pass on creation; a {@code btfFd} below 0 means none. */
    record MapBtf(int btfFd, int keyTypeId, int valueTypeId, int vmlinuxValueTypeId) {
        static final MapBtf NONE = new MapBtf(-1, 0, 0, 0);
    }

    static BpfMap create(MapSpec spec, MapBtf btf) {
        Objects.requireNonNull(spec, "spec");
        spec.validate();
        int maxEntries = spec.maxEntries();
        if (spec.type() == MapType.PERF_EVENT_ARRAY && maxEntries == 0) {
            maxEntries = Cpus.possible();
        } else if (spec.type() == MapType.RINGBUF || spec.type() == MapType.USER_RINGBUF) {
            maxEntries = MapSpec.ringBufferSize(maxEntries);
        }
        BpfMap inner = spec.innerMap() == null ? null : create(spec.innerMap());
        BpfMap map;
        try {
            int raw = createRaw(spec, maxEntries, inner, btf, true);
            map = new BpfMap(Fd.own(raw, "map '" + spec.name() + "'"), spec.name(), spec.type(), spec.keySize(),
                    spec.valueSize(), maxEntries, spec.flags());
        } finally {
            if (inner != null) {
                inner.close();
            }
        }
        try {
            map.writeContents(spec.contents());
            if (spec.freeze()) {
                map.freeze();
            }
            return map;
        } catch (RuntimeException e) {
            map.close();
            throw e;
        }
    }

    private static int createRaw(MapSpec spec, int maxEntries, BpfMap inner, MapBtf btf, boolean withName) {
        Scratch scratch = Scratch.get();
        NativeBuffer attr = Bpf.attr(scratch, MapCreateAttr.BYTES);
        ByteBuffer b = attr.buffer();
        b.putInt(MapCreateAttr.MAP_TYPE, spec.type().value());
        b.putInt(MapCreateAttr.KEY_SIZE, spec.keySize());
        b.putInt(MapCreateAttr.VALUE_SIZE, spec.valueSize());
        b.putInt(MapCreateAttr.MAX_ENTRIES, maxEntries);
        int mapFlags = spec.flags();
        if (spec.numaNode() >= 0) {
            mapFlags |= 1 << 2; // BPF_F_NUMA_NODE
            b.putInt(MapCreateAttr.NUMA_NODE, spec.numaNode());
        }
        b.putInt(MapCreateAttr.MAP_FLAGS, mapFlags);
        int innerFd = -1;
        if (withName) {
            byte[] objectName = objectName(spec.name());
            b.put(MapCreateAttr.MAP_NAME, objectName, 0, objectName.length);
        }
        if (btf.btfFd() >= 0) {
            b.putInt(MapCreateAttr.BTF_FD, btf.btfFd());
            b.putInt(MapCreateAttr.BTF_KEY_TYPE_ID, btf.keyTypeId());
            b.putInt(MapCreateAttr.BTF_VALUE_TYPE_ID, btf.valueTypeId());
            b.putInt(MapCreateAttr.BTF_VMLINUX_VALUE_TYPE_ID, btf.vmlinuxValueTypeId());
        }
        b.putLong(MapCreateAttr.MAP_EXTRA, spec.mapExtra());
        try {
            if (inner != null) {
                innerFd = inner.fd.acquire();
                b.putInt(MapCreateAttr.INNER_MAP_FD, innerFd);
            }
            long r = Bpf.call(Bpf.MAP_CREATE, attr, MapCreateAttr.BYTES);
            if (r >= 0) {
                return (int) r;
            }
            int errno = (int) -r;
            if (errno == Errno.EINVAL && withName && !spec.name().isEmpty()
                    && !Features.hasObjectNames()) {
                return createRaw(spec, maxEntries, inner, btf, false);
            }
            throw createError(spec, errno, btf);
        } finally {
            if (innerFd >= 0) {
                inner.fd.release();
            }
        }
    }

    private static BpfException createError(MapSpec spec, int errno, MapBtf btf) {
        String operation = "create map '" + spec.name() + "' (" + spec.type() + ")";
        boolean invalid = errno == Errno.EINVAL || errno == Errno.E2BIG || errno == Errno.EOPNOTSUPP
                || errno == Errno.ENOTSUPP;
        // EPERM with CAP_BPF present: a kernel build that refuses the type outright (one 6.18 build does for ARENA).
        boolean refused = errno == Errno.EPERM && Capabilities.missing("CAP_BPF").isEmpty();
        if ((invalid || refused) && !Features.hasMapType(spec.type())) {
            return new NotSupportedException("map type " + spec.type(),
                    operation + ": this kernel does not support map type " + spec.type(), errno);
        }
        if (invalid) {
            boolean withBtfTypes = btf.keyTypeId() != 0 || btf.valueTypeId() != 0;
            String hint = spec.type().requiresBtf()
                    ? " (this map type needs BTF key and value types)"
                    : withBtfTypes && errno == Errno.ENOTSUPP
                    ? " (the kernel refuses BTF key/value types for " + spec.type() + " maps: create it without)"
                    : " (check key size " + spec.keySize() + ", value size " + spec.valueSize() + ", max entries "
                            + spec.maxEntries() + " and flags 0x" + Integer.toHexString(spec.flags())
                            + " against what this map type allows)";
            return new BpfException(operation + ": " + Errno.describe(errno) + hint, errno);
        }
        return Errors.of(operation, errno, "CAP_BPF");
    }

    /** The name as the kernel stores it: at most 15 characters of {@code [A-Za-z0-9_.]}, NUL-terminated. */
    static byte[] objectName(String name) {
        byte[] out = new byte[Math.min(name.length(), Bpf.OBJ_NAME_LEN - 1)];
        for (int i = 0; i < out.length; i++) {
            char c = name.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '.';
            out[i] = (byte) (allowed ? c : '_');
        }
        return out;
    }

    /** Opens a map pinned in bpffs. */
    public static BpfMap loadPinned(String path) {
        return loadPinned(path, PinAccess.READ_WRITE);
    }

    /** Opens a map pinned in bpffs with the given access (read-only openers cannot update it). */
    public static BpfMap loadPinned(String path, PinAccess access) {
        BpfMap map = fromOwnedFd(Pins.open("map", path, access.fileFlags));
        map.pinnedPath = path;
        return map;
    }

    /** Opens the map with a kernel id (needs CAP_SYS_ADMIN). */
    public static BpfMap fromId(int id) {
        int raw = Bpf.fdById(Bpf.MAP_GET_FD_BY_ID, id, 0);
        if (raw < 0) {
            throw Errors.of("open map id " + id, -raw, "CAP_SYS_ADMIN");
        }
        return fromOwnedFd(Fd.own(raw, "map id " + id));
    }

    /** A map for a descriptor the caller owns: the descriptor is duplicated, the caller keeps and closes its own. */
    public static BpfMap fromFd(int fd) {
        int copy = LibC.fcntl(fd, LibC.F_DUPFD_CLOEXEC, 3);
        if (copy < 0) {
            throw new BpfException("dup of fd " + fd + " failed: " + Errno.describe(LibC.errno()), LibC.errno());
        }
        return fromOwnedFd(Fd.own(copy, "map fd " + fd));
    }

    private static BpfMap fromOwnedFd(Fd fd) {
        try {
            MapInfo info = info(fd);
            return new BpfMap(fd, info.name(), info.type(), info.keySize(), info.valueSize(), info.maxEntries(),
                    info.flags());
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** A second, independent handle to the same kernel map (its own descriptor). */
    @Override
    public BpfMap clone() {
        return new BpfMap(fd.dup(), name, type, keySize, valueSize, maxEntries, flags);
    }

    private void writeContents(List<MapSpec.Entry> contents) {
        for (MapSpec.Entry entry : contents) {
            byte[] key = toBytes(entry.key(), keySize, "key");
            byte[] value = toBytes(entry.value(), valueSize, "value");
            update(key, value, UpdateFlags.ANY);
        }
    }

    private byte[] toBytes(Object item, int size, String what) {
        if (item instanceof byte[]) {
            return (byte[]) item;
        }
        if (item instanceof Number && size == 4) {
            return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(((Number) item).intValue()).array();
        }
        if (item instanceof Number && size == 8) {
            return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(((Number) item).longValue()).array();
        }
        if (item instanceof KernelObject && size == 4) {
            return toBytes(((KernelObject) item).fd(), 4, what);
        }
        throw new IllegalArgumentException("map '" + name + "': cannot write " + what + " of type "
                + item.getClass().getSimpleName() + " as " + size + " bytes (names of programs or maps are resolved "
                + "only when loading a collection)");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Properties

    public String name() {
        return name;
    }

    public MapType type() {
        return type;
    }

    public int keySize() {
        return keySize;
    }

    /** Size of one value as declared. */
    public int valueSize() {
        return valueSize;
    }

    /**
     * Bytes a lookup writes and an update reads: {@link #valueSize()}, or one aligned slot per CPU for per-CPU maps.
     */
    public int valueBufferSize() {
        return valueBufferSize;
    }

    public int maxEntries() {
        return maxEntries;
    }

    /**
     * Number of possible CPUs ({@code /sys/devices/system/cpu/possible}): a per-CPU map holds one value slot per
     * possible CPU, online or not, and per-CPU values are indexed by CPU id below it.
     */
    public static int possibleCpus() {
        return Cpus.possible();
    }

    public int flags() {
        return flags;
    }

    @Override
    public int fd() {
        return fd.number();
    }

    /** The owned descriptor, for code of this package; other packages of the library use {@link Descriptors}. */
    Fd descriptor() {
        return fd;
    }

    /** Where the map is pinned, if this handle pinned it or was opened from a pin. */
    public Optional<String> pinnedPath() {
        return Optional.ofNullable(pinnedPath);
    }

    /** What the kernel reports about this map. */
    public MapInfo info() {
        return info(fd);
    }

    private static MapInfo info(Fd fd) {
        int raw = fd.acquire();
        try {
            Scratch scratch = Scratch.get();
            int r = Bpf.objInfo(raw, scratch.info, BpfMapInfo.BYTES);
            if (r < 0) {
                throw Errors.of("get info of " + fd.description(), -r, "CAP_BPF");
            }
            ByteBuffer b = scratch.info.buffer();
            return new MapInfo(b.getInt(BpfMapInfo.ID), MapType.of(b.getInt(BpfMapInfo.TYPE)),
                    scratch.info.getCString(BpfMapInfo.NAME, Bpf.OBJ_NAME_LEN), b.getInt(BpfMapInfo.KEY_SIZE),
                    b.getInt(BpfMapInfo.VALUE_SIZE), b.getInt(BpfMapInfo.MAX_ENTRIES), b.getInt(BpfMapInfo.MAP_FLAGS),
                    b.getInt(BpfMapInfo.BTF_ID), b.getInt(BpfMapInfo.BTF_KEY_TYPE_ID),
                    b.getInt(BpfMapInfo.BTF_VALUE_TYPE_ID), b.getLong(BpfMapInfo.MAP_EXTRA));
        } finally {
            fd.release();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Element operations: byte[]

    /** Copies the value of {@code key} into {@code value}; {@code false} if the key is absent. */
    public boolean lookup(byte[] key, byte[] value) {
        return lookup(key, value, 0);
    }

    /** Lookup with {@link UpdateFlags#LOCK} or 0. */
    public boolean lookup(byte[] key, byte[] value, long lookupFlags) {
        checkKey(key);
        checkValue(value);
        Scratch s = Scratch.get();
        NativeBuffer k = keyBuffer(s, key);
        NativeBuffer v = s.value.ensure(valueBufferSize);
        int r = element(s, Bpf.MAP_LOOKUP_ELEM, k.address(), v.address(), lookupFlags);
        if (r == 0) {
            v.get(0, value, 0, valueBufferSize);
            return true;
        }
        return absentOrThrow(r, "lookup");
    }

    /** The value of {@code key}, copied into a new array. Allocates; prefer {@link #lookup(byte[], byte[])}. */
    public Optional<byte[]> lookup(byte[] key) {
        byte[] value = new byte[valueBufferSize];
        return lookup(key, value) ? Optional.of(value) : Optional.empty();
    }

    /** Creates or replaces ({@link UpdateFlags#ANY}). */
    public void put(byte[] key, byte[] value) {
        update(key, value, UpdateFlags.ANY);
    }

    /**
     * Writes {@code value} under {@code key} according to {@code updateFlags}.
     *
     * @throws BpfException with errno EEXIST ({@link UpdateFlags#NO_EXIST}), ENOENT ({@link UpdateFlags#EXIST}),
     *     E2BIG (map full) and others
     */
    public void update(byte[] key, byte[] value, long updateFlags) {
        checkKey(key);
        checkValue(value);
        Scratch s = Scratch.get();
        NativeBuffer k = keyBuffer(s, key);
        NativeBuffer v = s.value.ensure(valueBufferSize).put(0, value, 0, valueBufferSize);
        int r = element(s, Bpf.MAP_UPDATE_ELEM, k.address(), v.address(), updateFlags);
        if (r != 0) {
            throw elementError("update", r);
        }
    }

    /** Deletes {@code key}; {@code false} if it was absent. */
    public boolean delete(byte[] key) {
        checkKey(key);
        Scratch s = Scratch.get();
        NativeBuffer k = keyBuffer(s, key);
        int r = element(s, Bpf.MAP_DELETE_ELEM, k.address(), 0, 0);
        return r == 0 || absentOrThrow(r, "delete");
    }

    /** Copies and deletes {@code key}'s value; {@code false} if absent. */
    public boolean lookupAndDelete(byte[] key, byte[] value) {
        checkKey(key);
        checkValue(value);
        Scratch s = Scratch.get();
        NativeBuffer k = keyBuffer(s, key);
        NativeBuffer v = s.value.ensure(valueBufferSize);
        int r = element(s, Bpf.MAP_LOOKUP_AND_DELETE_ELEM, k.address(), v.address(), 0);
        if (r == 0) {
            v.get(0, value, 0, valueBufferSize);
            return true;
        }
        return absentOrThrow(r, "lookup and delete");
    }

    /**
     * Copies the key after {@code key} into {@code nextKey} ({@code key == null} gives the first key);
     * {@code false} at the end. If {@code key} is not in the map, hash maps restart at their first key.
     */
    public boolean nextKey(byte[] key, byte[] nextKey) {
        if (key != null) {
            checkKey(key);
        }
        checkKey(nextKey);
        Scratch s = Scratch.get();
        long keyAddress = key == null ? 0 : keyBuffer(s, key).address();
        NativeBuffer n = s.nextKey.ensure(keySize);
        int r = element(s, Bpf.MAP_GET_NEXT_KEY, keyAddress, n.address(), 0);
        if (r == 0) {
            n.get(0, nextKey, 0, keySize);
            return true;
        }
        return absentOrThrow(r, "next key");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Queue, stack, bloom filter

    /** Pushes onto a queue or stack, or adds to a bloom filter. */
    public void push(byte[] value) {
        push(value, UpdateFlags.ANY);
    }

    /** Push with {@code BPF_EXIST} to overwrite the oldest element of a full queue/stack. */
    public void push(byte[] value, long pushFlags) {
        checkValue(value);
        Scratch s = Scratch.get();
        NativeBuffer v = s.value.ensure(valueBufferSize).put(0, value, 0, valueBufferSize);
        int r = element(s, Bpf.MAP_UPDATE_ELEM, 0, v.address(), pushFlags);
        if (r != 0) {
            throw elementError("push", r);
        }
    }

    /** Removes the next element of a queue/stack into {@code value}; {@code false} if empty. */
    public boolean pop(byte[] value) {
        checkValue(value);
        Scratch s = Scratch.get();
        NativeBuffer v = s.value.ensure(valueBufferSize);
        int r = element(s, Bpf.MAP_LOOKUP_AND_DELETE_ELEM, 0, v.address(), 0);
        if (r == 0) {
            v.get(0, value, 0, valueBufferSize);
            return true;
        }
        return absentOrThrow(r, "pop");
    }

    /**
     * Copies the next element of a queue/stack without removing it; for a bloom filter, {@code true} if
     * {@code value} may be in the set. {@code false} if empty / certainly absent.
     */
    public boolean peek(byte[] value) {
        checkValue(value);
        Scratch s = Scratch.get();
        NativeBuffer v = s.value.ensure(valueBufferSize);
        if (type == MapType.BLOOM_FILTER) {
            v.put(0, value, 0, valueBufferSize);
        }
        int r = element(s, Bpf.MAP_LOOKUP_ELEM, 0, v.address(), 0);
        if (r == 0) {
            if (type != MapType.BLOOM_FILTER) {
                v.get(0, value, 0, valueBufferSize);
            }
            return true;
        }
        return absentOrThrow(r, "peek");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Element operations: ByteBuffer (position-relative, positions not moved)

    public boolean lookup(ByteBuffer key, ByteBuffer value) {
        checkRemaining(key, keySize, "key");
        checkRemaining(value, valueBufferSize, "value");
        Scratch s = Scratch.get();
        NativeBuffer k = s.key.ensure(keySize).put(0, key, keySize);
        NativeBuffer v = s.value.ensure(valueBufferSize);
        int r = element(s, Bpf.MAP_LOOKUP_ELEM, k.address(), v.address(), 0);
        if (r == 0) {
            v.get(0, value, valueBufferSize);
            return true;
        }
        return absentOrThrow(r, "lookup");
    }

    public void update(ByteBuffer key, ByteBuffer value, long updateFlags) {
        checkRemaining(key, keySize, "key");
        checkRemaining(value, valueBufferSize, "value");
        Scratch s = Scratch.get();
        NativeBuffer k = s.key.ensure(keySize).put(0, key, keySize);
        NativeBuffer v = s.value.ensure(valueBufferSize).put(0, value, valueBufferSize);
        int r = element(s, Bpf.MAP_UPDATE_ELEM, k.address(), v.address(), updateFlags);
        if (r != 0) {
            throw elementError("update", r);
        }
    }

    public boolean delete(ByteBuffer key) {
        checkRemaining(key, keySize, "key");
        Scratch s = Scratch.get();
        NativeBuffer k = s.key.ensure(keySize).put(0, key, keySize);
        int r = element(s, Bpf.MAP_DELETE_ELEM, k.address(), 0, 0);
        return r == 0 || absentOrThrow(r, "delete");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Element operations: native memory owned by the caller

    /** Lookup with caller-provided native memory ({@link #keySize()} and {@link #valueBufferSize()} bytes). */
    public boolean lookup(long keyAddress, long valueAddress) {
        int r = element(Scratch.get(), Bpf.MAP_LOOKUP_ELEM, keyAddress, valueAddress, 0);
        return r == 0 || absentOrThrow(r, "lookup");
    }

    public void update(long keyAddress, long valueAddress, long updateFlags) {
        int r = element(Scratch.get(), Bpf.MAP_UPDATE_ELEM, keyAddress, valueAddress, updateFlags);
        if (r != 0) {
            throw elementError("update", r);
        }
    }

    public boolean delete(long keyAddress) {
        int r = element(Scratch.get(), Bpf.MAP_DELETE_ELEM, keyAddress, 0, 0);
        return r == 0 || absentOrThrow(r, "delete");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Iteration and batches

    /** An iterator over keys and values (get-next-key + lookup), which survives concurrent deletion. */
    public MapIterator iterator() {
        return new MapIterator(this);
    }

    /** A cursor for batches of up to {@code capacity} entries. */
    public BatchCursor batchCursor(int capacity) {
        return new BatchCursor(keySize, valueBufferSize, capacity);
    }

    /**
     * Fetches the next batch of entries into the cursor's buffers ({@code BPF_MAP_LOOKUP_BATCH}): one syscall per
     * batch. Returns {@code false} once the map is exhausted and nothing was fetched.
     *
     * @throws NotSupportedException if the kernel has no batch operations for this map type
     */
    public boolean batchLookup(BatchCursor cursor) {
        return batchFetch(cursor, Bpf.MAP_LOOKUP_BATCH);
    }

    /** Like {@link #batchLookup(BatchCursor)}, deleting what it returns. */
    public boolean batchLookupAndDelete(BatchCursor cursor) {
        return batchFetch(cursor, Bpf.MAP_LOOKUP_AND_DELETE_BATCH);
    }

    private boolean batchFetch(BatchCursor cursor, int cmd) {
        if (cursor.keySize != keySize || cursor.valueStride != valueBufferSize) {
            throw new IllegalArgumentException("batch cursor was made for another map layout");
        }
        if (cursor.done) {
            cursor.count = 0;
            return false;
        }
        Scratch s = Scratch.get();
        int tokenSize = cursor.tokenSize();
        long in = cursor.started ? cursor.token.address() : 0;
        long out = cursor.token.address() + tokenSize;
        int raw = fd.acquire();
        int r;
        int count;
        try {
            r = Bpf.batch(s, cmd, raw, in, out, cursor.keys.address(), cursor.values.address(), cursor.capacity, 0);
            count = s.attr.buffer().getInt(MapBatchAttr.COUNT);
        } finally {
            fd.release();
        }
        if (r != 0 && r != -Errno.ENOENT) {
            throw batchError(cmd == Bpf.MAP_LOOKUP_BATCH ? "batch lookup" : "batch lookup and delete", -r,
                    cursor.capacity);
        }
        cursor.count = count;
        cursor.started = true;
        if (r == -Errno.ENOENT) {
            cursor.done = true;
        } else {
            // out_batch becomes the next call's in_batch
            ByteBuffer t = cursor.token.buffer();
            for (int i = 0; i < tokenSize; i++) {
                t.put(i, t.get(tokenSize + i));
            }
        }
        return count > 0 || !cursor.done;
    }

    /**
     * Writes {@code count} entries from back-to-back keys and values ({@code BPF_MAP_UPDATE_BATCH}).
     *
     * @return the number of entries written
     */
    public int batchUpdate(byte[] keys, byte[] values, int count, long updateFlags) {
        checkBatch(keys, values, count);
        NativeBuffer k = new NativeBuffer(count * keySize).put(0, keys, 0, count * keySize);
        NativeBuffer v = new NativeBuffer(count * valueBufferSize).put(0, values, 0, count * valueBufferSize);
        try {
            return batchUpdate(k.address(), v.address(), count, updateFlags);
        } finally {
            // Only addresses reach the kernel: without these the buffers could be freed (and reused) mid-call.
            Reference.reachabilityFence(k);
            Reference.reachabilityFence(v);
        }
    }

    /** Batch update from caller-provided native memory. */
    public int batchUpdate(long keysAddress, long valuesAddress, int count, long updateFlags) {
        return batchWrite(Bpf.MAP_UPDATE_BATCH, keysAddress, valuesAddress, count, updateFlags, "batch update");
    }

    /**
     * Deletes {@code count} back-to-back keys ({@code BPF_MAP_DELETE_BATCH}).
     *
     * @return the number of entries deleted
     */
    public int batchDelete(byte[] keys, int count) {
        checkBatch(keys, null, count);
        NativeBuffer k = new NativeBuffer(count * keySize).put(0, keys, 0, count * keySize);
        try {
            return batchDelete(k.address(), count);
        } finally {
            Reference.reachabilityFence(k);
        }
    }

    public int batchDelete(long keysAddress, int count) {
        return batchWrite(Bpf.MAP_DELETE_BATCH, keysAddress, 0, count, 0, "batch delete");
    }

    private int batchWrite(int cmd, long keys, long values, int count, long elemFlags, String operation) {
        if (count == 0) {
            return 0;
        }
        if (!Features.hasBatchOperations(type)) {
            // One element at a time on kernels (or map types) without batch operations.
            for (int i = 0; i < count; i++) {
                long key = keys + (long) i * keySize;
                if (cmd == Bpf.MAP_UPDATE_BATCH) {
                    update(key, values + (long) i * valueBufferSize, elemFlags);
                } else if (!delete(key)) {
                    throw new BpfException(operation + " in map '" + name + "': ENOENT: key " + i + " of the batch is"
                            + " not in the map (" + i + " of " + count + " done)", Errno.ENOENT);
                }
            }
            return count;
        }
        Scratch s = Scratch.get();
        int raw = fd.acquire();
        try {
            int r = Bpf.batch(s, cmd, raw, 0, 0, keys, values, count, elemFlags);
            int done = s.attr.buffer().getInt(MapBatchAttr.COUNT);
            if (r != 0) {
                throw batchError(operation + " (" + done + " of " + count + " done)", -r, count);
            }
            return done;
        } finally {
            fd.release();
        }
    }

    private void checkBatch(byte[] keys, byte[] values, int count) {
        if (count < 0 || keys.length < count * keySize || (values != null && values.length < count * valueBufferSize)) {
            throw new IllegalArgumentException("map '" + name + "': batch of " + count + " entries needs "
                    + count * keySize + " bytes of keys" + (values != null ? " and " + count * valueBufferSize
                    + " bytes of values" : "") + ", got " + keys.length + (values != null ? " and " + values.length
                    : ""));
        }
    }

    private BpfException batchError(String operation, int errno, int capacity) {
        String what = "map '" + name + "' (" + type + "): " + operation;
        if (errno == Errno.EINVAL || errno == Errno.ENOTSUPP || errno == Errno.EOPNOTSUPP) {
            return new NotSupportedException("batch operations on " + type,
                    what + ": this kernel has no batch operations for " + type + " maps", errno);
        }
        if (errno == Errno.ENOSPC) {
            return new BpfException(what + ": a hash bucket holds more than " + capacity
                    + " entries; use a larger batch", errno);
        }
        return Errors.of(what, errno, "CAP_BPF");
    }

    /**
     * Visits every entry, reading batches when the kernel supports them for this map type and falling back to the
     * iterator otherwise. The view passed to {@code visitor} is valid only during the call. Allocates only the
     * cursor (reuse one with {@link #forEach(BatchCursor, EntryVisitor)} to allocate nothing).
     */
    public void forEach(EntryVisitor visitor) {
        forEach(batchCursor(Math.max(1, Math.min(maxEntries, 4096))), visitor);
    }

    public void forEach(BatchCursor cursor, EntryVisitor visitor) {
        EntryView view = new EntryView(cursor);
        if (Features.hasBatchOperations(type)) {
            cursor.reset();
            while (batchLookup(cursor)) {
                for (int i = 0; i < cursor.count; i++) {
                    view.at(i);
                    visitor.visit(view);
                }
            }
            return;
        }
        MapIterator it = iterator();
        view.single();
        byte[] key = new byte[keySize];
        byte[] value = new byte[valueBufferSize];
        while (it.next(key, value)) {
            cursor.keys.put(0, key, 0, keySize);
            cursor.values.put(0, value, 0, valueBufferSize);
            visitor.visit(view);
        }
    }

    /** Receives entries from {@link #forEach(EntryVisitor)}. */
    @FunctionalInterface
    public interface EntryVisitor {
        void visit(EntryView entry);
    }

    /** One entry of a {@link #forEach} walk: accessors into the walk's native buffers, valid during the visit. */
    public static final class EntryView {
        private final BatchCursor cursor;
        private int keyOffset;
        private int valueOffset;

        EntryView(BatchCursor cursor) {
            this.cursor = cursor;
        }

        void at(int index) {
            keyOffset = cursor.keyOffset(index);
            valueOffset = cursor.valueOffset(index);
        }

        void single() {
            keyOffset = 0;
            valueOffset = 0;
        }

        /** Buffer holding the key at {@link #keyOffset()} (native order); do not keep it. */
        public ByteBuffer keyBuffer() {
            return cursor.keys();
        }

        public int keyOffset() {
            return keyOffset;
        }

        /** Buffer holding the value at {@link #valueOffset()} (native order); do not keep it. */
        public ByteBuffer valueBuffer() {
            return cursor.values();
        }

        public int valueOffset() {
            return valueOffset;
        }

        public int keyInt(int offset) {
            return cursor.keys().getInt(keyOffset + offset);
        }

        public long keyLong(int offset) {
            return cursor.keys().getLong(keyOffset + offset);
        }

        public int valueInt(int offset) {
            return cursor.values().getInt(valueOffset + offset);
        }

        public long valueLong(int offset) {
            return cursor.values().getLong(valueOffset + offset);
        }

        /** For per-CPU maps: the u64 at {@code offset} of CPU {@code cpu}'s slot. */
        public long valueLong(int cpu, int offset) {
            return cursor.values().getLong(valueOffset + cpu * cursor.valueStride / Cpus.possible() + offset);
        }

        public byte[] key() {
            byte[] out = new byte[cursor.keySize];
            cursor.keys().get(keyOffset, out, 0, out.length);
            return out;
        }

        public byte[] value() {
            byte[] out = new byte[cursor.valueStride];
            cursor.values().get(valueOffset, out, 0, out.length);
            return out;
        }
    }

    /** All entries, copied (allocates per entry: for inspection and tests, not hot paths). */
    public Map<ByteBuffer, byte[]> toMap() {
        Map<ByteBuffer, byte[]> out = new LinkedHashMap<>();
        forEach(e -> out.put(ByteBuffer.wrap(e.key()), e.value()));
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Map-wide operations

    /** Makes the map read-only for user space ({@code BPF_MAP_FREEZE}); programs can still write it. */
    public void freeze() {
        int raw = fd.acquire();
        try {
            int r = Bpf.freeze(raw);
            if (r != 0) {
                throw Errors.of("freeze map '" + name + "'", -r, "CAP_BPF");
            }
        } finally {
            fd.release();
        }
    }

    /** Maps the values of a {@code BPF_F_MMAPABLE} array into memory. */
    public MappedArray mmap() {
        if ((flags & MapFlags.MMAPABLE) == 0) {
            throw new IllegalStateException("map '" + name + "' was not created with BPF_F_MMAPABLE");
        }
        return new MappedArray(this);
    }

    /** Pins the map in bpffs at {@code path}, so it outlives this process. */
    public void pin(String path) {
        Pins.pin(fd, "map '" + name + "'", path);
        pinnedPath = path;
    }

    /** Removes the pin created by {@link #pin(String)} or used by {@link #loadPinned(String)}. */
    public void unpin() {
        String path = pinnedPath;
        if (path != null) {
            Pins.unpin("map '" + name + "'", path);
            pinnedPath = null;
        }
    }

    /** A typed view: keys and values converted by codecs. */
    public <K, V> TypedMap<K, V> typed(Codec<K> keyCodec, Codec<V> valueCodec) {
        return new TypedMap<>(this, keyCodec, valueCodec);
    }

    /** Closes this handle's descriptor. Pins and programs using the map keep it alive in the kernel. */
    @Override
    public void close() {
        fd.close();
    }

    public boolean isClosed() {
        return fd.isClosed();
    }

    @Override
    public String toString() {
        return "BpfMap[" + name + ", " + type + ", key " + keySize + ", value " + valueSize + ", max " + maxEntries
                + (fd.isClosed() ? ", closed" : "") + "]";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    int element(Scratch s, int cmd, long key, long value, long elementFlags) {
        int raw = fd.acquire();
        try {
            return Bpf.element(s, cmd, raw, key, value, elementFlags);
        } finally {
            fd.release();
        }
    }

    private NativeBuffer keyBuffer(Scratch s, byte[] key) {
        return s.key.ensure(keySize).put(0, key, 0, keySize);
    }

    boolean absentOrThrow(int r, String operation) {
        if (r == -Errno.ENOENT) {
            return false;
        }
        throw elementError(operation, r);
    }

    BpfException elementError(String operation, int r) {
        int errno = -r;
        String what = operation + " in map '" + name + "' (" + type + ")";
        if (errno == Errno.E2BIG) {
            return new BpfException(what + ": E2BIG: the map is full (" + maxEntries + " entries)", errno);
        }
        if (errno == Errno.EEXIST) {
            return new BpfException(what + ": EEXIST: the key exists (NO_EXIST was requested)", errno);
        }
        if (errno == Errno.ENOENT) {
            return new BpfException(what + ": ENOENT: no such key", errno);
        }
        if (errno == Errno.EPERM && operation.startsWith("update")) {
            return new BpfException(what + ": " + Errno.describe(errno)
                    + " (the map is frozen or opened read-only)", errno);
        }
        if (errno == Errno.EINVAL && operation.startsWith("update") && type.isArrayLike()) {
            return new BpfException(what + ": " + Errno.describe(errno) + " (index out of range or flags not"
                    + " allowed for arrays)", errno);
        }
        return Errors.of(what, errno, "CAP_BPF");
    }

    private void checkKey(byte[] key) {
        if (key == null || key.length != keySize) {
            throw new IllegalArgumentException("map '" + name + "': key must be " + keySize + " bytes, got "
                    + (key == null ? "null" : key.length + " bytes"));
        }
    }

    private void checkValue(byte[] value) {
        if (value == null || value.length != valueBufferSize) {
            throw new IllegalArgumentException("map '" + name + "': value must be " + valueBufferSize + " bytes"
                    + (type.isPerCpu() ? " (" + Cpus.possible() + " possible CPUs x " + MapSpec.align8(valueSize)
                    + ")" : "") + ", got " + (value == null ? "null" : value.length + " bytes"));
        }
    }

    private void checkRemaining(ByteBuffer buffer, int size, String what) {
        if (buffer.remaining() < size) {
            throw new IllegalArgumentException("map '" + name + "': " + what + " buffer needs " + size
                    + " bytes remaining, has " + buffer.remaining());
        }
    }

    static List<Integer> ids(int cmd) {
        List<Integer> ids = new ArrayList<>();
        int id = 0;
        for (;;) {
            long next = Bpf.nextId(cmd, id);
            if (next < 0) {
                if (next == -Errno.ENOENT) {
                    return ids;
                }
                throw Errors.of("list kernel objects", (int) -next, "CAP_SYS_ADMIN");
            }
            id = (int) next;
            ids.add(id);
        }
    }

    /** Ids of all maps in the kernel (needs CAP_SYS_ADMIN). */
    public static List<Integer> allIds() {
        return ids(Bpf.MAP_GET_NEXT_ID);
    }
}
