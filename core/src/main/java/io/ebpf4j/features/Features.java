package io.ebpf4j.features;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.MapFlags;
import io.ebpf4j.MapType;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramSpec;
import io.ebpf4j.ProgramType;
import io.ebpf4j.asm.Instruction;
import io.ebpf4j.asm.Instructions;
import io.ebpf4j.asm.Register;
import io.ebpf4j.btf.Func;
import io.ebpf4j.btf.Spec;
import io.ebpf4j.btf.Struct;
import io.ebpf4j.btf.Type;
import io.ebpf4j.internal.Capabilities;
import io.ebpf4j.internal.KernelVersion;
import io.ebpf4j.internal.Os;
import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.BpfFuncInfo;
import io.ebpf4j.internal.sys.BtfLoadAttr;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.LinkCreateAttr;
import io.ebpf4j.internal.sys.MapCreateAttr;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.ProgLoadAttr;
import io.ebpf4j.internal.sys.RawTracepointOpenAttr;
import io.ebpf4j.internal.sys.Scratch;
import io.ebpf4j.link.BpfLink;
import io.ebpf4j.link.Links;
import io.ebpf4j.link.MultiProbeOptions;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Does the running kernel support a map type, a program type, a helper, batch operations, object names, bpf_link?
 * Each question is answered once by a tiny probe (creating a map, loading a two-instruction program), the way
 * {@code bpftool feature probe} does, and the answer is cached. {@code require*} methods throw
 * {@link NotSupportedException}; {@code has*} methods return a boolean. Probes never look at version strings.
 */
public final class Features {
    private static final Map<String, Answer> CACHE = new ConcurrentHashMap<>();

    /** A probe's outcome: supported, or the exception that explains why not. */
    private record Answer(BpfException failure) {
        static final Answer YES = new Answer(null);
    }

    private Features() {}

    /** The running kernel's release, as {@code uname -r} prints it. */
    public static String kernelRelease() {
        return KernelVersion.current().release();
    }

    public static boolean hasMapType(MapType type) {
        return answer("map type " + type, () -> probeMapType(type)).failure == null;
    }

    public static void requireMapType(MapType type) {
        raise(answer("map type " + type, () -> probeMapType(type)));
    }

    public static boolean hasProgramType(ProgramType type) {
        return answer("program type " + type, () -> probeProgramType(type)).failure == null;
    }

    public static void requireProgramType(ProgramType type) {
        raise(answer("program type " + type, () -> probeProgramType(type)));
    }

    /** Whether programs of {@code type} may call helper {@code helperId} ({@code enum bpf_func_id}). */
    public static boolean hasHelper(ProgramType type, int helperId) {
        return answer("helper " + helperId + " for " + type, () -> probeHelper(type, helperId)).failure == null;
    }

    public static void requireHelper(ProgramType type, int helperId) {
        raise(answer("helper " + helperId + " for " + type, () -> probeHelper(type, helperId)));
    }

    /**
     * Whether BPF iterators over {@code target} (e.g. {@code task}, {@code bpf_map_elem}) can be loaded: the kernel
     * must describe {@code bpf_iter_<target>} in its BTF and accept an iterator program for it. Kernel builds differ
     * here: one accepts task iterators and refuses map-element iterators.
     */
    public static boolean hasIterator(String target) {
        return answer("iterator " + target, () -> probeIterator(target)).failure == null;
    }

    public static void requireIterator(String target) {
        raise(answer("iterator " + target, () -> probeIterator(target)));
    }

    /** Whether maps and programs can be given names (kernel 4.15+). */
    public static boolean hasObjectNames() {
        return answer("object names", Features::probeObjectNames).failure == null;
    }

    /** Whether {@code BPF_MAP_LOOKUP_BATCH} and friends work on maps of {@code type}. */
    public static boolean hasBatchOperations(MapType type) {
        return answer("batch operations on " + type, () -> probeBatch(type)).failure == null;
    }

    /** Whether the kernel has {@code BPF_LINK_CREATE}. */
    public static boolean hasBpfLink() {
        return answer("bpf_link", Features::probeLink).failure == null;
    }

    public static void requireBpfLink() {
        raise(answer("bpf_link", Features::probeLink));
    }

    /**
     * Whether perf events (tracepoints, kprobes, uprobes, perf counters) can be attached through a bpf_link
     * ({@code BPF_PERF_EVENT}, Linux 5.15), which is also what carries a bpf_cookie to the program.
     */
    public static boolean hasPerfLink() {
        return answer("perf_event bpf_link", Features::probePerfLink).failure == null;
    }

    /**
     * Whether the running kernel's BTF describes kernel function {@code name}, which a program calling it as a kfunc
     * needs (kfuncs come and go between releases: {@code bpf_task_from_pid} arrived in 6.2).
     */
    public static boolean hasKfunc(String name) {
        return answer("kfunc " + name, () -> probeKfunc(name)).failure == null;
    }

    public static void requireKfunc(String name) {
        raise(answer("kfunc " + name, () -> probeKfunc(name)));
    }

    /**
     * The id of the {@code kind} type called {@code name} in the running kernel's BTF; where there is none (or no
     * kernel BTF), {@link KernelType#missing} says so for {@code feature}.
     */
    private static KernelType kernelType(String feature, String name, Class<? extends Type> kind) {
        try {
            Spec kernel = Spec.kernel();
            OptionalInt id = kernel.typeIdByName(name, kind);
            return id.isPresent() ? new KernelType(id.getAsInt(), null)
                    : new KernelType(0, new Answer(new NotSupportedException(feature,
                            "this kernel has no " + feature + " (its BTF does not describe " + name + ")")));
        } catch (NotSupportedException e) {
            return new KernelType(0, new Answer(new NotSupportedException(feature, feature
                    + " needs the kernel's BTF: " + e.getMessage(), e.errno())));
        }
    }

    /** A kernel BTF type id, or the answer that explains its absence. */
    private record KernelType(int id, Answer missing) {}

    private static Answer probeKfunc(String name) {
        KernelType func = kernelType("kfunc " + name, name, Func.class);
        return func.missing() != null ? func.missing() : Answer.YES;
    }

    /**
     * Whether uprobe_multi links exist (Linux 6.6): as libbpf probes, a uprobe_multi link on "/" (not an executable)
     * fails with EBADF where they do, with EINVAL where the kernel does not know the attach type.
     */
    public static boolean hasUprobeMulti() {
        return answer("uprobe_multi", Features::probeUprobeMulti).failure == null;
    }

    public static void requireUprobeMulti() {
        raise(answer("uprobe_multi", Features::probeUprobeMulti));
    }

    private static Answer probeUprobeMulti() {
        long program = loadProbe(ProgramType.KPROBE, RETURN_ZERO, null,
                a -> a.putInt(ProgLoadAttr.EXPECTED_ATTACH_TYPE, AttachType.TRACE_UPROBE_MULTI.value()));
        if (program < 0) {
            return new Answer(new NotSupportedException("uprobe_multi", "this kernel has no uprobe_multi links"
                    + " (Linux 6.6+; probe program: " + Errno.name((int) -program) + ")", (int) -program));
        }
        NativeBuffer arguments = new NativeBuffer(16);
        long path = arguments.putCString("/");
        long offset = arguments.address() + 8; // holds 0 after the 2-byte path
        long r;
        try {
            NativeBuffer attr = Bpf.attr(Scratch.get(), LinkCreateAttr.BYTES);
            ByteBuffer a = attr.buffer();
            a.putInt(LinkCreateAttr.PROG_FD, (int) program);
            a.putInt(LinkCreateAttr.ATTACH_TYPE, AttachType.TRACE_UPROBE_MULTI.value());
            a.putLong(LinkCreateAttr.UprobeMulti.PATH, path);
            a.putLong(LinkCreateAttr.UprobeMulti.OFFSETS, offset);
            a.putInt(LinkCreateAttr.UprobeMulti.CNT, 1);
            r = Bpf.call(Bpf.LINK_CREATE, attr, LinkCreateAttr.BYTES);
            Reference.reachabilityFence(arguments);
        } finally {
            LibC.close((int) program);
        }
        if (r >= 0) {
            LibC.close((int) r);
            return Answer.YES;
        }
        if (r == -Errno.EBADF) {
            return Answer.YES;
        }
        return new Answer(new NotSupportedException("uprobe_multi", "this kernel has no uprobe_multi links (Linux"
                + " 6.6+; probe: " + Errno.name((int) -r) + ")", (int) -r));
    }

    /**
     * Whether struct_ops maps can be attached through links ({@code .struct_ops.link}, Linux 6.4): the kernel's BTF
     * describes {@code struct bpf_struct_ops_link}, the object such a link is (there is no cheaper side-effect-free
     * way to ask: the link command checks descriptors before the attach type).
     */
    public static boolean hasStructOpsLink() {
        return answer("struct_ops link", Features::probeStructOpsLink).failure == null;
    }

    public static void requireStructOpsLink() {
        raise(answer("struct_ops link", Features::probeStructOpsLink));
    }

    private static Answer probeStructOpsLink() {
        KernelType link = kernelType("struct_ops link", "bpf_struct_ops_link", Struct.class);
        return link.missing() != null ? link.missing() : Answer.YES;
    }

    /**
     * Whether SCHED_CLS programs can be attached through TCX links (Linux 6.6); without them, TC programs are
     * attached as cls_bpf filters of a clsact qdisc over netlink.
     */
    public static boolean hasTcx() {
        return answer("TCX", Features::probeTcx).failure == null;
    }

    public static void requireTcx() {
        raise(answer("TCX", Features::probeTcx));
    }

    /**
     * Whether kprobes can be attached: a kprobe program is attached through {@link Links#kprobe}
     * (the kprobe perf PMU, else tracefs {@code kprobe_events}) to the {@code getpid} system call handler, then
     * detached. Kernels built without {@code CONFIG_KPROBES} have neither.
     */
    public static boolean hasKprobes() {
        return answer("kprobe", Features::probeKprobes).failure == null;
    }

    public static void requireKprobes() {
        raise(answer("kprobe", Features::probeKprobes));
    }

    /**
     * Whether kprobe_multi links can be created (fprobe-based, Linux 5.18+ with {@code CONFIG_FPROBE}): a program is
     * attached through {@link Links#kprobeMulti} to the {@code getpid} system call handler.
     */
    public static boolean hasKprobeMulti() {
        return answer("kprobe_multi", Features::probeKprobeMulti).failure == null;
    }

    public static void requireKprobeMulti() {
        raise(answer("kprobe_multi", Features::probeKprobeMulti));
    }

    /**
     * Whether programs of a BPF trampoline or LSM attach type can be loaded and attached: {@link
     * AttachType#TRACE_FENTRY} and {@link AttachType#TRACE_FEXIT} on {@code bpf_fentry_test1},
     * {@link AttachType#MODIFY_RETURN} on {@code security_file_open} (returning 0: the hooked function
     * runs as usual), {@link AttachType#LSM_MAC} on the {@code file_open} hook (allowing everything),
     * which also needs {@code bpf} in the active LSM list, or its programs never run. Each probe program is
     * attached for an instant and detached.
     */
    public static boolean hasTracingAttach(AttachType type) {
        return answer("attach type " + type, () -> probeTracingAttach(type)).failure == null;
    }

    public static void requireTracingAttach(AttachType type) {
        raise(answer("attach type " + type, () -> probeTracingAttach(type)));
    }

    /**
     * Whether {@code freplace} ({@link ProgramType#EXT}) programs can replace a global function of a loaded
     * program: a one-function XDP program with hand-made BTF is loaded, an extension of the same signature is
     * loaded against it and attached, then both are released.
     */
    public static boolean hasFreplace() {
        return answer("freplace", Features::probeFreplace).failure == null;
    }

    public static void requireFreplace() {
        raise(answer("freplace", Features::probeFreplace));
    }

    private static Answer answer(String feature, Supplier<Answer> probe) {
        Answer cached = CACHE.get(feature);
        if (cached != null) {
            return cached;
        }
        // Not computeIfAbsent: a probe may consult another feature, which must not recurse into the same bin.
        Answer fresh = probe.get();
        Answer previous = CACHE.putIfAbsent(feature, fresh);
        return previous != null ? previous : fresh;
    }

    private static void raise(Answer answer) {
        if (answer.failure != null) {
            throw answer.failure;
        }
    }

    private static boolean meansUnsupported(int errno) {
        return errno == Errno.EINVAL || errno == Errno.E2BIG || errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP;
    }

    /** EPERM although the process has every capability the operation needs: the kernel does not allow it at all. */
    private static boolean refusedWithCapabilities(int errno, String capabilities) {
        return errno == Errno.EPERM && Capabilities.missing(capabilities).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Maps

    private static Answer probeMapType(MapType type) {
        if (type == MapType.UNSPEC) {
            return new Answer(new NotSupportedException("map type UNSPEC", "UNSPEC is not a map type"));
        }
        if (type == MapType.STRUCT_OPS) {
            // Needs the BTF id of a kernel struct_ops value type; the BTF layer answers this where it matters.
            return Answer.YES;
        }
        int fd = createProbeMap(type);
        if (fd >= 0) {
            LibC.close(fd);
            return Answer.YES;
        }
        int errno = -fd;
        // EPERM with CAP_BPF present: the kernel refuses the type outright (one 6.18 build does so for ARENA).
        if (meansUnsupported(errno) || refusedWithCapabilities(errno, "CAP_BPF")) {
            return new Answer(new NotSupportedException("map type " + type,
                    "this kernel does not support map type " + type + " (probe: " + Errno.name(errno) + ")", errno));
        }
        return new Answer(Errors.of("probe map type " + type, errno, "CAP_BPF"));
    }

    /** Creates the smallest valid map of {@code type}: an fd, or -errno. */
    private static int createProbeMap(MapType type) {
        int key = 4;
        int value = 4;
        int max = 1;
        int flags = 0;
        long extra = 0;
        int btfFd = -1;
        int innerFd = -1;
        switch (type) {
            case STACK_TRACE:
                value = 8;
                break;
            case LPM_TRIE:
                key = 8;
                value = 8;
                flags = MapFlags.NO_PREALLOC;
                break;
            case CGROUP_STORAGE:
            case PERCPU_CGROUP_STORAGE:
                key = 16;
                value = 8;
                max = 0;
                break;
            case QUEUE:
            case STACK:
            case BLOOM_FILTER:
                key = 0;
                break;
            case RINGBUF:
            case USER_RINGBUF:
                key = 0;
                value = 0;
                max = Os.pageSize();
                break;
            case ARENA:
                key = 0;
                value = 0;
                max = 1;
                flags = MapFlags.MMAPABLE;
                break;
            case SK_STORAGE:
            case INODE_STORAGE:
            case TASK_STORAGE:
            case CGRP_STORAGE:
                max = 0;
                flags = MapFlags.NO_PREALLOC;
                btfFd = loadIntBtf();
                if (btfFd < 0) {
                    return btfFd;
                }
                break;
            case ARRAY_OF_MAPS:
            case HASH_OF_MAPS:
                innerFd = createRawMap(MapType.ARRAY.value(), 4, 4, 1, 0, 0, -1, -1, null);
                if (innerFd < 0) {
                    return innerFd;
                }
                break;
            default:
                break;
        }
        try {
            return createRawMap(type.value(), key, value, max, flags, extra, innerFd, btfFd, null);
        } finally {
            if (btfFd >= 0) {
                LibC.close(btfFd);
            }
            if (innerFd >= 0) {
                LibC.close(innerFd);
            }
        }
    }

    private static int createRawMap(int type, int key, int value, int max, int flags, long extra, int innerFd,
            int btfFd, String name) {
        Scratch scratch = Scratch.get();
        NativeBuffer attr = Bpf.attr(scratch, MapCreateAttr.BYTES);
        ByteBuffer b = attr.buffer();
        b.putInt(MapCreateAttr.MAP_TYPE, type);
        b.putInt(MapCreateAttr.KEY_SIZE, key);
        b.putInt(MapCreateAttr.VALUE_SIZE, value);
        b.putInt(MapCreateAttr.MAX_ENTRIES, max);
        b.putInt(MapCreateAttr.MAP_FLAGS, flags);
        b.putLong(MapCreateAttr.MAP_EXTRA, extra);
        if (innerFd >= 0) {
            b.putInt(MapCreateAttr.INNER_MAP_FD, innerFd);
        }
        if (btfFd >= 0) {
            b.putInt(MapCreateAttr.BTF_FD, btfFd);
            b.putInt(MapCreateAttr.BTF_KEY_TYPE_ID, 1);
            b.putInt(MapCreateAttr.BTF_VALUE_TYPE_ID, 1);
        }
        if (name != null) {
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            b.put(MapCreateAttr.MAP_NAME, n, 0, Math.min(n.length, Bpf.OBJ_NAME_LEN - 1));
        }
        return (int) Bpf.call(Bpf.MAP_CREATE, attr, MapCreateAttr.BYTES);
    }

    /** Loads a BTF blob holding only {@code [1] int} (what local-storage maps need as key and value type). */
    private static int loadIntBtf() {
        byte[] strings = "\0int\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer blob = ByteBuffer.allocate(24 + 16 + strings.length).order(ByteOrder.nativeOrder());
        blob.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(24);
        blob.putInt(0).putInt(16).putInt(16).putInt(strings.length);
        blob.putInt(1).putInt(1 << 24).putInt(4).putInt((1 << 24) | 32); // name "int", KIND_INT, size 4, signed 32 bits
        blob.put(strings);
        return loadBtf(blob.array());
    }

    /** {@code BPF_BTF_LOAD} of a raw blob: an fd, or -errno. */
    private static int loadBtf(byte[] blob) {
        NativeBuffer data = new NativeBuffer(blob.length).put(0, blob, 0, blob.length);
        NativeBuffer attr = Bpf.attr(Scratch.get(), BtfLoadAttr.BYTES);
        attr.buffer().putLong(BtfLoadAttr.BTF, data.address());
        attr.buffer().putInt(BtfLoadAttr.BTF_SIZE, blob.length);
        int result = (int) Bpf.call(Bpf.BTF_LOAD, attr, BtfLoadAttr.BYTES);
        Reference.reachabilityFence(data); // the kernel got its address only
        return result;
    }

    private static Answer probeObjectNames() {
        int fd = createRawMap(MapType.ARRAY.value(), 4, 4, 1, 0, 0, -1, -1, "ebpf4j_probe");
        if (fd >= 0) {
            LibC.close(fd);
            return Answer.YES;
        }
        return new Answer(new NotSupportedException("object names", "this kernel does not accept object names", -fd));
    }

    private static Answer probeBatch(MapType type) {
        int fd = createProbeMap(type);
        if (fd < 0) {
            return new Answer(new NotSupportedException("batch operations on " + type,
                    "cannot create a " + type + " map to probe batch operations: " + Errno.describe(-fd), -fd));
        }
        try {
            int key = type == MapType.LPM_TRIE ? 8 : 4;
            NativeBuffer buffers = new NativeBuffer(256);
            Scratch scratch = Scratch.get();
            int r = Bpf.batch(scratch, Bpf.MAP_LOOKUP_BATCH, fd, 0, buffers.address(), buffers.address() + 16,
                    buffers.address() + 16 + key, 1, 0);
            Reference.reachabilityFence(buffers); // the kernel got its address only
            if (r == 0 || r == -Errno.ENOENT) {
                return Answer.YES;
            }
            return new Answer(new NotSupportedException("batch operations on " + type,
                    "this kernel has no batch operations for " + type + " maps (probe: " + Errno.name(-r) + ")", -r));
        } finally {
            LibC.close(fd);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Programs

    private static final Instructions RETURN_ZERO = Instructions.builder().mov64(Register.R0, 0).exit().build();

    private static Answer probeProgramType(ProgramType type) {
        if (type == ProgramType.UNSPEC) {
            return new Answer(new NotSupportedException("program type UNSPEC", "UNSPEC is not a program type"));
        }
        long r = loadProbe(type, RETURN_ZERO, null);
        if (r >= 0) {
            LibC.close((int) r);
            return Answer.YES;
        }
        int errno = (int) -r;
        if (needsAttachTarget(type)) {
            // These types only load with a BTF attach target, so EINVAL here says nothing, nor does ENOTSUPP, the
            // verifier's answer to a struct_ops program without one (libbpf's probe expects it too); EPERM with
            // every capability present means the kernel refuses the type outright (trampolines/LSM disabled).
            if (errno == Errno.EINVAL || type == ProgramType.STRUCT_OPS && errno == Errno.ENOTSUPP) {
                return Answer.YES;
            }
        }
        if (meansUnsupported(errno) || refusedWithCapabilities(errno, type.requiredCapabilities())) {
            return new Answer(new NotSupportedException("program type " + type,
                    "this kernel does not support program type " + type + " (probe: " + Errno.name(errno) + ")",
                    errno));
        }
        return new Answer(Errors.of("probe program type " + type, errno, type.requiredCapabilities()));
    }

    private static boolean needsAttachTarget(ProgramType type) {
        return type == ProgramType.TRACING || type == ProgramType.EXT || type == ProgramType.LSM
                || type == ProgramType.STRUCT_OPS;
    }

    private static Answer probeHelper(ProgramType type, int helperId) {
        Answer program = answer("program type " + type, () -> probeProgramType(type));
        if (program.failure != null) {
            return program;
        }
        NativeBuffer log = new NativeBuffer(4096);
        Instructions callsHelper = Instructions.builder()
                .append(Instruction.of(0x85 /* call */, Register.R0, Register.R0, 0, helperId))
                .append(RETURN_ZERO).build();
        long r = loadProbe(type, callsHelper, log);
        if (r >= 0) {
            LibC.close((int) r);
            return Answer.YES;
        }
        String text = log.getCString(0, 4096);
        // The verifier's reason, without the register states logged before it.
        Optional<String> refusal = text.lines().filter(line -> line.contains("invalid func ")
                || line.contains("unknown func ") || line.contains("program of this type cannot use helper"))
                .findFirst();
        if (refusal.isPresent()) {
            return new Answer(new NotSupportedException("helper " + helperId,
                    "helper " + helperId + " is not available to " + type + " programs: " + refusal.get().strip(),
                    (int) -r));
        }
        // Loaded far enough to pass the helper check; failing later (e.g. on argument types) still means supported.
        return Answer.YES;
    }

    private static Answer probeIterator(String target) {
        KernelType function = kernelType("iterator " + target, "bpf_iter_" + target, Func.class);
        if (function.missing() != null) {
            return function.missing();
        }
        int attachBtfId = function.id();
        long r = loadProbe(ProgramType.TRACING, RETURN_ZERO, null, a -> {
            a.putInt(ProgLoadAttr.EXPECTED_ATTACH_TYPE, AttachType.TRACE_ITER.value());
            a.putInt(ProgLoadAttr.ATTACH_BTF_ID, attachBtfId);
        });
        if (r >= 0) {
            LibC.close((int) r);
            return Answer.YES;
        }
        int errno = (int) -r;
        if (meansUnsupported(errno) || refusedWithCapabilities(errno, ProgramType.TRACING.requiredCapabilities())) {
            return new Answer(new NotSupportedException("iterator " + target,
                    "this kernel refuses iterator '" + target + "' (probe: " + Errno.name(errno) + ")", errno));
        }
        return new Answer(Errors.of("probe iterator " + target, errno, ProgramType.TRACING.requiredCapabilities()));
    }

    /** Loads {@code instructions} as a program of {@code type}: an fd or -errno. */
    private static long loadProbe(ProgramType type, Instructions instructions, NativeBuffer log) {
        return loadProbe(type, instructions, log, a -> { });
    }

    /**
     * The same, with {@code extra} setting further attributes (attach target, BTF); the caller keeps any buffer
     * they point to reachable.
     */
    private static long loadProbe(ProgramType type, Instructions instructions, NativeBuffer log,
            Consumer<ByteBuffer> extra) {
        byte[] code = instructions.marshal(ByteOrder.nativeOrder());
        NativeBuffer insns = new NativeBuffer(code.length).put(0, code, 0, code.length);
        NativeBuffer license = new NativeBuffer(8);
        long licenseAddress = license.putCString("GPL");
        NativeBuffer attr = Bpf.attr(Scratch.get(), ProgLoadAttr.BYTES);
        ByteBuffer a = attr.buffer();
        a.putInt(ProgLoadAttr.PROG_TYPE, type.value());
        a.putInt(ProgLoadAttr.INSN_CNT, instructions.slotCount());
        a.putLong(ProgLoadAttr.INSNS, insns.address());
        a.putLong(ProgLoadAttr.LICENSE, licenseAddress);
        if (log != null) {
            a.putInt(ProgLoadAttr.LOG_LEVEL, 1);
            a.putInt(ProgLoadAttr.LOG_SIZE, log.capacity());
            a.putLong(ProgLoadAttr.LOG_BUF, log.address());
        }
        if (type == ProgramType.SYSCALL) {
            a.putInt(ProgLoadAttr.PROG_FLAGS, 1 << 4); // BPF_F_SLEEPABLE: syscall programs must be sleepable
        }
        if (type == ProgramType.CGROUP_SOCK_ADDR) {
            a.putInt(ProgLoadAttr.EXPECTED_ATTACH_TYPE, AttachType.CGROUP_INET4_CONNECT.value());
        } else if (type == ProgramType.SK_LOOKUP) {
            a.putInt(ProgLoadAttr.EXPECTED_ATTACH_TYPE, AttachType.SK_LOOKUP.value());
        } else if (type == ProgramType.NETFILTER) {
            a.putInt(ProgLoadAttr.EXPECTED_ATTACH_TYPE, AttachType.NETFILTER.value());
        }
        extra.accept(a);
        long result = Bpf.progLoad(attr);
        // The kernel got addresses only: keep the buffers alive until it has read them.
        Reference.reachabilityFence(insns);
        Reference.reachabilityFence(license);
        return result;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Hooks

    private static Answer probeKprobes() {
        ProgramSpec spec = new ProgramSpec("ebpf4j_probe", ProgramType.KPROBE, RETURN_ZERO);
        try (BpfProgram program = BpfProgram.load(spec);
                BpfLink link = Links.kprobe(Links.syscallSymbol("getpid"), program)) {
            return Answer.YES;
        } catch (NotSupportedException e) {
            return new Answer(new NotSupportedException("kprobe", "this kernel cannot attach kprobes: "
                    + e.getMessage(), e.errno()));
        } catch (BpfException e) {
            return new Answer(e);
        }
    }

    private static Answer probeKprobeMulti() {
        ProgramSpec spec = new ProgramSpec("ebpf4j_probe", ProgramType.KPROBE, RETURN_ZERO)
                .attachType(AttachType.TRACE_KPROBE_MULTI);
        try (BpfProgram program = BpfProgram.load(spec);
                BpfLink link = Links.kprobeMulti(List.of(Links.syscallSymbol("getpid")), program,
                        MultiProbeOptions.defaults())) {
            return Answer.YES;
        } catch (NotSupportedException e) {
            return new Answer(new NotSupportedException("kprobe_multi", "this kernel cannot attach kprobe_multi"
                    + " links: " + e.getMessage(), e.errno()));
        } catch (BpfException e) {
            return new Answer(e);
        }
    }

    private static Answer probeTracingAttach(AttachType type) {
        String hook;
        String function;
        ProgramType programType = ProgramType.TRACING;
        switch (type) {
            case TRACE_FENTRY -> { hook = "fentry"; function = "bpf_fentry_test1"; }
            case TRACE_FEXIT -> { hook = "fexit"; function = "bpf_fentry_test1"; }
            case MODIFY_RETURN -> { hook = "fmod_ret"; function = "security_file_open"; }
            case LSM_MAC -> { hook = "lsm"; function = "bpf_lsm_file_open"; programType = ProgramType.LSM; }
            default -> throw new IllegalArgumentException("no probe for attach type " + type
                    + " (fentry, fexit, fmod_ret and lsm have one)");
        }
        String what = hook + " program on " + function;
        KernelType target = kernelType(hook, function, Func.class);
        if (target.missing() != null) {
            return target.missing();
        }
        int btfId = target.id();
        NativeBuffer log = new NativeBuffer(4096);
        long program = loadProbe(programType, RETURN_ZERO, log, a -> {
            a.putInt(ProgLoadAttr.EXPECTED_ATTACH_TYPE, type.value());
            a.putInt(ProgLoadAttr.ATTACH_BTF_ID, btfId);
        });
        if (program < 0) {
            int errno = (int) -program;
            String text = log.getCString(0, 4096).strip();
            if (meansUnsupported(errno) || refusedWithCapabilities(errno, programType.requiredCapabilities())) {
                return new Answer(new NotSupportedException(hook, "this kernel does not support " + hook
                        + " programs: loading a " + what + " failed with " + Errno.name(errno)
                        + (text.isEmpty() ? " and an empty verifier log" : ": " + text), errno));
            }
            return new Answer(Errors.of("probe " + what, errno, programType.requiredCapabilities()));
        }
        long link;
        try {
            NativeBuffer attr = Bpf.attr(Scratch.get(), LinkCreateAttr.BYTES);
            attr.buffer().putInt(LinkCreateAttr.PROG_FD, (int) program);
            attr.buffer().putInt(LinkCreateAttr.ATTACH_TYPE, type.value());
            link = Bpf.call(Bpf.LINK_CREATE, attr, LinkCreateAttr.BYTES);
        } finally {
            LibC.close((int) program);
        }
        if (link < 0) {
            int errno = (int) -link;
            return new Answer(new NotSupportedException(hook, "this kernel loads " + hook + " programs but cannot"
                    + " attach them: attaching a " + what + " failed with " + Errno.name(errno), errno));
        }
        LibC.close((int) link);
        if (type == AttachType.LSM_MAC) {
            Optional<String> lsms = activeLsms();
            if (lsms.isPresent() && !List.of(lsms.get().split(",")).contains("bpf")) {
                return new Answer(new NotSupportedException(hook, "BPF LSM programs attach but never run: bpf is not"
                        + " in the active LSM list (" + lsms.get() + "); boot with lsm=" + lsms.get() + ",bpf"));
            }
        }
        return Answer.YES;
    }

    private static Answer probeFreplace() {
        // BTF: [1] int, [2] int (void), [3] global function "probe" of type [2]; func_info puts [3] at instruction 0.
        byte[] strings = "\0int\0probe\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer blob = ByteBuffer.allocate(24 + 40 + strings.length).order(ByteOrder.nativeOrder());
        blob.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(24);
        blob.putInt(0).putInt(40).putInt(40).putInt(strings.length);
        blob.putInt(1).putInt(1 << 24).putInt(4).putInt((1 << 24) | 32); // INT "int", signed, 32 bits
        blob.putInt(0).putInt(13 << 24).putInt(1); // FUNC_PROTO returning [1], no parameters
        blob.putInt(5).putInt((12 << 24) | 1).putInt(2); // FUNC "probe", linkage global, type [2]
        blob.put(strings);
        int btf = loadBtf(blob.array());
        if (btf < 0) {
            return new Answer(new NotSupportedException("freplace", "freplace programs need BTF, which this kernel"
                    + " does not load (" + Errno.name(-btf) + ")", -btf));
        }
        NativeBuffer funcInfo = new NativeBuffer(BpfFuncInfo.BYTES);
        funcInfo.buffer().putInt(BpfFuncInfo.INSN_OFF, 0).putInt(BpfFuncInfo.TYPE_ID, 3);
        long target = -1;
        long extension = -1;
        try {
            target = loadWithBtf(ProgramType.XDP, btf, funcInfo, -1);
            if (target < 0) {
                return new Answer(Errors.of("probe freplace: load the XDP program to extend", (int) -target,
                        ProgramType.XDP.requiredCapabilities()));
            }
            extension = loadWithBtf(ProgramType.EXT, btf, funcInfo, (int) target);
            if (extension < 0) {
                int errno = (int) -extension;
                if (meansUnsupported(errno) || refusedWithCapabilities(errno, ProgramType.EXT.requiredCapabilities())) {
                    return new Answer(new NotSupportedException("freplace", "this kernel does not support freplace"
                            + " programs: loading an extension of a global function failed with "
                            + Errno.name(errno), errno));
                }
                return new Answer(Errors.of("probe freplace", errno, ProgramType.EXT.requiredCapabilities()));
            }
            NativeBuffer attr = Bpf.attr(Scratch.get(), RawTracepointOpenAttr.BYTES);
            // Without a name: the load-time target.
            attr.buffer().putInt(RawTracepointOpenAttr.PROG_FD, (int) extension);
            long link = Bpf.call(Bpf.RAW_TRACEPOINT_OPEN, attr, RawTracepointOpenAttr.BYTES);
            if (link < 0) {
                return new Answer(new NotSupportedException("freplace", "this kernel loads freplace programs but"
                        + " cannot attach them (" + Errno.name((int) -link) + ")", (int) -link));
            }
            LibC.close((int) link);
            return Answer.YES;
        } finally {
            for (long fd : new long[] {extension, target, btf}) {
                if (fd >= 0) {
                    LibC.close((int) fd);
                }
            }
        }
    }

    /** Loads a program returning 0 with {@code btf} and one func_info record; an extension of {@code targetFd}. */
    private static long loadWithBtf(ProgramType type, int btf, NativeBuffer funcInfo, int targetFd) {
        long result = loadProbe(type, RETURN_ZERO, null, a -> {
            a.putInt(ProgLoadAttr.PROG_BTF_FD, btf);
            a.putInt(ProgLoadAttr.FUNC_INFO_REC_SIZE, BpfFuncInfo.BYTES);
            a.putLong(ProgLoadAttr.FUNC_INFO, funcInfo.address());
            a.putInt(ProgLoadAttr.FUNC_INFO_CNT, 1);
            if (targetFd >= 0) {
                a.putInt(ProgLoadAttr.ATTACH_PROG_FD, targetFd);
                a.putInt(ProgLoadAttr.ATTACH_BTF_ID, 3);
            }
        });
        Reference.reachabilityFence(funcInfo); // the kernel got its address only
        return result;
    }

    /** The active LSMs, from securityfs; empty when it is not mounted (then only loading and attaching tell). */
    private static Optional<String> activeLsms() {
        try {
            return Optional.of(Files.readString(Path.of("/sys/kernel/security/lsm")).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Links

    private static Answer probeLink() {
        NativeBuffer attr = Bpf.attr(Scratch.get(), LinkCreateAttr.BYTES);
        attr.buffer().putInt(LinkCreateAttr.PROG_FD, -1);
        attr.buffer().putInt(LinkCreateAttr.TARGET_FD, -1);
        long r = Bpf.call(Bpf.LINK_CREATE, attr, LinkCreateAttr.BYTES);
        // An invalid program fd gets EBADF from a kernel that knows the command, EINVAL from one that does not.
        if (r == -Errno.EBADF) {
            return Answer.YES;
        }
        return new Answer(new NotSupportedException("bpf_link",
                "this kernel has no BPF_LINK_CREATE (probe: " + Errno.name((int) -r) + ")", (int) -r));
    }

    private static Answer probeTcx() {
        long program = loadProbe(ProgramType.SCHED_CLS, RETURN_ZERO, null);
        if (program < 0) {
            return new Answer(Errors.of("probe TCX", (int) -program, ProgramType.SCHED_CLS.requiredCapabilities()));
        }
        long r;
        try {
            NativeBuffer attr = Bpf.attr(Scratch.get(), LinkCreateAttr.BYTES);
            attr.buffer().putInt(LinkCreateAttr.PROG_FD, (int) program);
            attr.buffer().putInt(LinkCreateAttr.TARGET_FD, 0); // no interface has index 0
            attr.buffer().putInt(LinkCreateAttr.ATTACH_TYPE, AttachType.TCX_INGRESS.value());
            r = Bpf.call(Bpf.LINK_CREATE, attr, LinkCreateAttr.BYTES);
        } finally {
            LibC.close((int) program);
        }
        // A kernel with TCX looks for interface 0 and fails with ENODEV; others do not know the attach type (EINVAL).
        if (r == -Errno.ENODEV) {
            return Answer.YES;
        }
        return new Answer(new NotSupportedException("TCX", "this kernel has no TCX links (Linux 6.6+; probe: "
                + Errno.name((int) -r) + ")", (int) -r));
    }

    private static Answer probePerfLink() {
        long program = loadProbe(ProgramType.TRACEPOINT, RETURN_ZERO, null);
        if (program < 0) {
            return new Answer(Errors.of("probe perf_event links", (int) -program,
                    ProgramType.TRACEPOINT.requiredCapabilities()));
        }
        long r;
        try {
            NativeBuffer attr = Bpf.attr(Scratch.get(), LinkCreateAttr.BYTES);
            attr.buffer().putInt(LinkCreateAttr.PROG_FD, (int) program);
            attr.buffer().putInt(LinkCreateAttr.TARGET_FD, -1);
            attr.buffer().putInt(LinkCreateAttr.ATTACH_TYPE, AttachType.PERF_EVENT.value());
            r = Bpf.call(Bpf.LINK_CREATE, attr, LinkCreateAttr.BYTES);
        } finally {
            LibC.close((int) program);
        }
        // A kernel with perf links looks up the (invalid) perf event fd and fails with EBADF; others say EINVAL.
        if (r == -Errno.EBADF) {
            return Answer.YES;
        }
        return new Answer(new NotSupportedException("perf_event bpf_link",
                "this kernel cannot attach perf events through bpf_link (Linux 5.15+; probe: "
                        + Errno.name((int) -r) + ")", (int) -r));
    }
}
