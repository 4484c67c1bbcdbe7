package io.ebpf4j.internal.sys;

import java.lang.ref.Reference;

/**
 * The {@code bpf(2)} system call: command numbers, flags, and one method per command shape. The layouts of
 * {@code bpf_attr} are the {@code *Attr} classes of this package, checked against the running kernel by
 * {@code KernelLayoutsTest}.
 *
 * <p>Methods return the syscall result or {@code -errno}; they never throw and never allocate, so callers decide
 * how to report a failure. Attribute blocks are written into the calling thread's {@link Scratch#attr}.
 */
public final class Bpf {
    public static final int MAP_CREATE = 0;
    public static final int MAP_LOOKUP_ELEM = 1;
    public static final int MAP_UPDATE_ELEM = 2;
    public static final int MAP_DELETE_ELEM = 3;
    public static final int MAP_GET_NEXT_KEY = 4;
    public static final int PROG_LOAD = 5;
    public static final int OBJ_PIN = 6;
    public static final int OBJ_GET = 7;
    public static final int PROG_ATTACH = 8;
    public static final int PROG_DETACH = 9;
    public static final int PROG_TEST_RUN = 10;
    public static final int PROG_GET_NEXT_ID = 11;
    public static final int MAP_GET_NEXT_ID = 12;
    public static final int PROG_GET_FD_BY_ID = 13;
    public static final int MAP_GET_FD_BY_ID = 14;
    public static final int OBJ_GET_INFO_BY_FD = 15;
    public static final int PROG_QUERY = 16;
    public static final int RAW_TRACEPOINT_OPEN = 17;
    public static final int BTF_LOAD = 18;
    public static final int BTF_GET_FD_BY_ID = 19;
    public static final int TASK_FD_QUERY = 20;
    public static final int MAP_LOOKUP_AND_DELETE_ELEM = 21;
    public static final int MAP_FREEZE = 22;
    public static final int BTF_GET_NEXT_ID = 23;
    public static final int MAP_LOOKUP_BATCH = 24;
    public static final int MAP_LOOKUP_AND_DELETE_BATCH = 25;
    public static final int MAP_UPDATE_BATCH = 26;
    public static final int MAP_DELETE_BATCH = 27;
    public static final int LINK_CREATE = 28;
    public static final int LINK_UPDATE = 29;
    public static final int LINK_GET_FD_BY_ID = 30;
    public static final int LINK_GET_NEXT_ID = 31;
    public static final int ENABLE_STATS = 32;
    public static final int ITER_CREATE = 33;
    public static final int LINK_DETACH = 34;
    public static final int PROG_BIND_MAP = 35;

    public static final int OBJ_NAME_LEN = 16;
    public static final int TAG_SIZE = 8;

    private static final long SYS_BPF = Arch.current().sysBpf;
    private static final int PROG_LOAD_ATTEMPTS = 5;

    private Bpf() {}

    /** {@code bpf(cmd, attr, size)}: the result, or {@code -errno}. */
    public static long call(int cmd, NativeBuffer attr, int size) {
        long r = LibC.syscall(SYS_BPF, cmd, attr.address(), size, 0, 0);
        Reference.reachabilityFence(attr); // not always the thread's scratch buffer: the kernel got its address only
        return r < 0 ? -LibC.errno() : r;
    }

    /**
     * {@code BPF_PROG_LOAD}, tried again (up to {@value #PROG_LOAD_ATTEMPTS} times, as libbpf does) while it fails
     * with {@code EAGAIN}: the verifier gives up when a signal arrives for the loading thread, and sampling profilers
     * send such signals all the time.
     */
    public static long progLoad(NativeBuffer attr) {
        long r;
        int attempts = PROG_LOAD_ATTEMPTS;
        do {
            r = call(PROG_LOAD, attr, ProgLoadAttr.BYTES);
        } while (r == -Errno.EAGAIN && --attempts > 0);
        return r;
    }

    /** {@link #call} for a command that returns at once (a map element operation): see {@link LibC#syscallQuick}. */
    private static long callQuick(int cmd, NativeBuffer attr, int size) {
        long r = LibC.syscallQuick(SYS_BPF, cmd, attr.address(), size, 0, 0);
        Reference.reachabilityFence(attr);
        return r < 0 ? -LibC.errno() : r;
    }

    /** The thread's attribute buffer, zeroed for a command of {@code size} bytes. */
    public static NativeBuffer attr(Scratch scratch, int size) {
        return scratch.attr.clear(size);
    }

    /** BPF_MAP_*_ELEM: {@code map_fd, key, value/next_key, flags}. */
    public static int element(Scratch scratch, int cmd, int mapFd, long key, long value, long flags) {
        NativeBuffer attr = scratch.attr.clear(MapElemAttr.BYTES);
        var b = attr.buffer();
        b.putInt(MapElemAttr.MAP_FD, mapFd);
        b.putLong(MapElemAttr.KEY, key);
        b.putLong(MapElemAttr.VALUE, value);
        b.putLong(MapElemAttr.FLAGS, flags);
        return (int) callQuick(cmd, attr, MapElemAttr.BYTES);
    }

    /** BPF_MAP_FREEZE. */
    public static int freeze(int mapFd) {
        Scratch scratch = Scratch.get();
        NativeBuffer attr = scratch.attr.clear(MapElemAttr.BYTES);
        attr.buffer().putInt(MapElemAttr.MAP_FD, mapFd);
        return (int) call(MAP_FREEZE, attr, MapElemAttr.BYTES);
    }

    /**
     * BPF_MAP_*_BATCH. Returns 0 or {@code -errno}; the number of elements processed is in
     * {@code scratch.attr} at {@link MapBatchAttr#COUNT} afterwards (valid on success and on ENOENT).
     */
    public static int batch(Scratch scratch, int cmd, int mapFd, long inBatch, long outBatch, long keys,
            long values, int count, long elemFlags) {
        NativeBuffer attr = scratch.attr.clear(MapBatchAttr.BYTES);
        var b = attr.buffer();
        b.putLong(MapBatchAttr.IN_BATCH, inBatch);
        b.putLong(MapBatchAttr.OUT_BATCH, outBatch);
        b.putLong(MapBatchAttr.KEYS, keys);
        b.putLong(MapBatchAttr.VALUES, values);
        b.putInt(MapBatchAttr.COUNT, count);
        b.putInt(MapBatchAttr.MAP_FD, mapFd);
        b.putLong(MapBatchAttr.ELEM_FLAGS, elemFlags);
        return (int) call(cmd, attr, MapBatchAttr.BYTES);
    }

    /** BPF_OBJ_PIN. */
    public static int pin(int fd, String path) {
        Scratch scratch = Scratch.get();
        long pathAddress = scratch.path.putCString(path);
        NativeBuffer attr = scratch.attr.clear(ObjAttr.BYTES);
        attr.buffer().putLong(ObjAttr.PATHNAME, pathAddress);
        attr.buffer().putInt(ObjAttr.BPF_FD, fd);
        return (int) call(OBJ_PIN, attr, ObjAttr.BYTES);
    }

    /** BPF_OBJ_GET: a new fd for the pinned object, or {@code -errno}. */
    public static int objGet(String path, int fileFlags) {
        Scratch scratch = Scratch.get();
        long pathAddress = scratch.path.putCString(path);
        NativeBuffer attr = scratch.attr.clear(ObjAttr.BYTES);
        attr.buffer().putLong(ObjAttr.PATHNAME, pathAddress);
        attr.buffer().putInt(ObjAttr.FILE_FLAGS, fileFlags);
        return (int) call(OBJ_GET, attr, ObjAttr.BYTES);
    }

    /** BPF_OBJ_GET_INFO_BY_FD into {@code info} (zeroed first); returns 0 or {@code -errno}. */
    public static int objInfo(int fd, NativeBuffer info, int infoSize) {
        info.ensure(infoSize).clear(infoSize);
        return objInfoPrepared(fd, info, infoSize);
    }

    /**
     * BPF_OBJ_GET_INFO_BY_FD into {@code info} as the caller prepared it: zeroed but for the pointers and lengths
     * of the arrays and strings the kernel should copy out. Returns 0 or {@code -errno}.
     */
    public static int objInfoPrepared(int fd, NativeBuffer info, int infoSize) {
        NativeBuffer attr = Scratch.get().attr.clear(InfoByFdAttr.BYTES);
        attr.buffer().putInt(InfoByFdAttr.BPF_FD, fd);
        attr.buffer().putInt(InfoByFdAttr.INFO_LEN, infoSize);
        attr.buffer().putLong(InfoByFdAttr.INFO, info.address());
        return (int) call(OBJ_GET_INFO_BY_FD, attr, InfoByFdAttr.BYTES);
    }

    /**
     * BPF_{PROG,MAP,LINK,BTF}_GET_NEXT_ID: the next id after {@code startId}, or {@code -errno} (ENOENT at the end).
     */
    public static long nextId(int cmd, int startId) {
        Scratch scratch = Scratch.get();
        NativeBuffer attr = scratch.attr.clear(GetIdAttr.BYTES);
        attr.buffer().putInt(GetIdAttr.START_ID, startId);
        long r = call(cmd, attr, GetIdAttr.BYTES);
        return r < 0 ? r : Integer.toUnsignedLong(attr.buffer().getInt(GetIdAttr.NEXT_ID));
    }

    /** BPF_{PROG,MAP,LINK,BTF}_GET_FD_BY_ID: a new fd, or {@code -errno}. */
    public static int fdById(int cmd, int id, int openFlags) {
        Scratch scratch = Scratch.get();
        NativeBuffer attr = scratch.attr.clear(GetIdAttr.BYTES);
        attr.buffer().putInt(GetIdAttr.START_ID, id);
        attr.buffer().putInt(GetIdAttr.OPEN_FLAGS, openFlags);
        return (int) call(cmd, attr, GetIdAttr.BYTES);
    }

    /** BPF_ENABLE_STATS (type 0 = run time): an fd that keeps statistics on while open, or {@code -errno}. */
    public static int enableStats(int type) {
        Scratch scratch = Scratch.get();
        NativeBuffer attr = scratch.attr.clear(EnableStatsAttr.BYTES);
        attr.buffer().putInt(EnableStatsAttr.TYPE, type);
        return (int) call(ENABLE_STATS, attr, EnableStatsAttr.BYTES);
    }
}
