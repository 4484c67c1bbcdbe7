package io.ebpf4j.internal.sys;

import java.lang.ref.Reference;

/**
 * The {@code bpf(2)} system call: command numbers, {@code bpf_attr} layouts (byte offsets into the union, checked
 * against the kernel UAPI header), and one method per command shape.
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

    // BPF_MAP_CREATE
    public static final int MAP_CREATE_TYPE = 0;
    public static final int MAP_CREATE_KEY_SIZE = 4;
    public static final int MAP_CREATE_VALUE_SIZE = 8;
    public static final int MAP_CREATE_MAX_ENTRIES = 12;
    public static final int MAP_CREATE_FLAGS = 16;
    public static final int MAP_CREATE_INNER_MAP_FD = 20;
    public static final int MAP_CREATE_NUMA_NODE = 24;
    public static final int MAP_CREATE_NAME = 28;
    public static final int MAP_CREATE_IFINDEX = 44;
    public static final int MAP_CREATE_BTF_FD = 48;
    public static final int MAP_CREATE_BTF_KEY_TYPE_ID = 52;
    public static final int MAP_CREATE_BTF_VALUE_TYPE_ID = 56;
    public static final int MAP_CREATE_BTF_VMLINUX_VALUE_TYPE_ID = 60;
    public static final int MAP_CREATE_MAP_EXTRA = 64;
    public static final int MAP_CREATE_VALUE_TYPE_BTF_OBJ_FD = 72;
    public static final int MAP_CREATE_SIZE = 80;

    // BPF_PROG_LOAD
    public static final int PROG_LOAD_TYPE = 0;
    public static final int PROG_LOAD_INSN_CNT = 4;
    public static final int PROG_LOAD_INSNS = 8;
    public static final int PROG_LOAD_LICENSE = 16;
    public static final int PROG_LOAD_LOG_LEVEL = 24;
    public static final int PROG_LOAD_LOG_SIZE = 28;
    public static final int PROG_LOAD_LOG_BUF = 32;
    public static final int PROG_LOAD_KERN_VERSION = 40;
    public static final int PROG_LOAD_FLAGS = 44;
    public static final int PROG_LOAD_NAME = 48;
    public static final int PROG_LOAD_IFINDEX = 64;
    public static final int PROG_LOAD_EXPECTED_ATTACH_TYPE = 68;
    public static final int PROG_LOAD_BTF_FD = 72;
    public static final int PROG_LOAD_FUNC_INFO_REC_SIZE = 76;
    public static final int PROG_LOAD_FUNC_INFO = 80;
    public static final int PROG_LOAD_FUNC_INFO_CNT = 88;
    public static final int PROG_LOAD_LINE_INFO_REC_SIZE = 92;
    public static final int PROG_LOAD_LINE_INFO = 96;
    public static final int PROG_LOAD_LINE_INFO_CNT = 104;
    public static final int PROG_LOAD_ATTACH_BTF_ID = 108;
    public static final int PROG_LOAD_ATTACH_PROG_FD = 112;
    public static final int PROG_LOAD_CORE_RELO_CNT = 116;
    public static final int PROG_LOAD_FD_ARRAY = 120;
    public static final int PROG_LOAD_CORE_RELOS = 128;
    public static final int PROG_LOAD_CORE_RELO_REC_SIZE = 136;
    public static final int PROG_LOAD_LOG_TRUE_SIZE = 140;
    public static final int PROG_LOAD_SIZE = 144;

    // BPF_BTF_LOAD
    public static final int BTF_LOAD_BTF = 0;
    public static final int BTF_LOAD_LOG_BUF = 8;
    public static final int BTF_LOAD_SIZE_FIELD = 16;
    public static final int BTF_LOAD_LOG_SIZE = 20;
    public static final int BTF_LOAD_LOG_LEVEL = 24;
    public static final int BTF_LOAD_LOG_TRUE_SIZE = 28;
    public static final int BTF_LOAD_SIZE = 32;

    // BPF_LINK_CREATE
    public static final int LINK_CREATE_PROG_FD = 0;
    public static final int LINK_CREATE_TARGET_FD = 4;
    public static final int LINK_CREATE_ATTACH_TYPE = 8;
    public static final int LINK_CREATE_FLAGS = 12;
    /** Start of the per-type union (target_btf_id, iter_info, perf_event.bpf_cookie, kprobe_multi, ...). */
    public static final int LINK_CREATE_EXTRA = 16;
    public static final int LINK_CREATE_SIZE = 64;

    private static final long SYS_BPF = Arch.current().sysBpf;

    private Bpf() {}

    /** {@code bpf(cmd, attr, size)}: the result, or {@code -errno}. */
    public static long call(int cmd, NativeBuffer attr, int size) {
        long r = LibC.syscall(SYS_BPF, cmd, attr.address(), size, 0, 0);
        Reference.reachabilityFence(attr); // not always the thread's scratch buffer: the kernel got its address only
        return r < 0 ? -LibC.errno() : r;
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
        NativeBuffer attr = scratch.attr.clear(32);
        var b = attr.buffer();
        b.putInt(0, mapFd);
        b.putLong(8, key);
        b.putLong(16, value);
        b.putLong(24, flags);
        return (int) callQuick(cmd, attr, 32);
    }

    /** BPF_MAP_FREEZE. */
    public static int freeze(int mapFd) {
        Scratch scratch = Scratch.get();
        NativeBuffer attr = scratch.attr.clear(32);
        attr.buffer().putInt(0, mapFd);
        return (int) call(MAP_FREEZE, attr, 32);
    }

    /** Attribute offsets of the batch commands. */
    public static final int BATCH_IN = 0;
    public static final int BATCH_OUT = 8;
    public static final int BATCH_KEYS = 16;
    public static final int BATCH_VALUES = 24;
    public static final int BATCH_COUNT = 32;
    public static final int BATCH_MAP_FD = 36;
    public static final int BATCH_ELEM_FLAGS = 40;
    public static final int BATCH_FLAGS = 48;
    public static final int BATCH_SIZE = 56;

    /**
     * BPF_MAP_*_BATCH. Returns 0 or {@code -errno}; the number of elements processed is in
     * {@code scratch.attr} at {@link #BATCH_COUNT} afterwards (valid on success and on ENOENT).
     */
    public static int batch(Scratch scratch, int cmd, int mapFd, long inBatch, long outBatch, long keys,
            long values, int count, long elemFlags) {
        NativeBuffer attr = scratch.attr.clear(BATCH_SIZE);
        var b = attr.buffer();
        b.putLong(BATCH_IN, inBatch);
        b.putLong(BATCH_OUT, outBatch);
        b.putLong(BATCH_KEYS, keys);
        b.putLong(BATCH_VALUES, values);
        b.putInt(BATCH_COUNT, count);
        b.putInt(BATCH_MAP_FD, mapFd);
        b.putLong(BATCH_ELEM_FLAGS, elemFlags);
        return (int) call(cmd, attr, BATCH_SIZE);
    }

    /** BPF_OBJ_PIN. */
    public static int pin(int fd, String path) {
        Scratch scratch = Scratch.get();
        long pathAddress = scratch.path.putCString(path);
        NativeBuffer attr = scratch.attr.clear(24);
        attr.buffer().putLong(0, pathAddress);
        attr.buffer().putInt(8, fd);
        return (int) call(OBJ_PIN, attr, 24);
    }

    /** BPF_OBJ_GET: a new fd for the pinned object, or {@code -errno}. */
    public static int objGet(String path, int fileFlags) {
        Scratch scratch = Scratch.get();
        long pathAddress = scratch.path.putCString(path);
        NativeBuffer attr = scratch.attr.clear(24);
        attr.buffer().putLong(0, pathAddress);
        attr.buffer().putInt(12, fileFlags);
        return (int) call(OBJ_GET, attr, 24);
    }

    /** BPF_OBJ_GET_INFO_BY_FD into {@code info} (zeroed first); returns 0 or {@code -errno}. */
    public static int objInfo(int fd, NativeBuffer info, int infoSize) {
        info.ensure(infoSize).clear(infoSize);
        Scratch scratch = Scratch.get();
        NativeBuffer attr = scratch.attr.clear(16);
        attr.buffer().putInt(0, fd);
        attr.buffer().putInt(4, infoSize);
        attr.buffer().putLong(8, info.address());
        return (int) call(OBJ_GET_INFO_BY_FD, attr, 16);
    }

    /** BPF_{PROG,MAP,LINK,BTF}_GET_NEXT_ID: the next id after {@code startId}, or {@code -errno} (ENOENT at the end). */
    public static long nextId(int cmd, int startId) {
        Scratch scratch = Scratch.get();
        NativeBuffer attr = scratch.attr.clear(16);
        attr.buffer().putInt(0, startId);
        long r = call(cmd, attr, 16);
        return r < 0 ? r : Integer.toUnsignedLong(attr.buffer().getInt(4));
    }

    /** BPF_{PROG,MAP,LINK,BTF}_GET_FD_BY_ID: a new fd, or {@code -errno}. */
    public static int fdById(int cmd, int id, int openFlags) {
        Scratch scratch = Scratch.get();
        NativeBuffer attr = scratch.attr.clear(16);
        attr.buffer().putInt(0, id);
        attr.buffer().putInt(8, openFlags);
        return (int) call(cmd, attr, 16);
    }

    /** BPF_ENABLE_STATS (type 0 = run time): an fd that keeps statistics on while open, or {@code -errno}. */
    public static int enableStats(int type) {
        Scratch scratch = Scratch.get();
        NativeBuffer attr = scratch.attr.clear(8);
        attr.buffer().putInt(0, type);
        return (int) call(ENABLE_STATS, attr, 8);
    }
}
