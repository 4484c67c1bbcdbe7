package io.ebpf4j;

import io.ebpf4j.asm.Instruction;
import io.ebpf4j.asm.Instructions;
import io.ebpf4j.features.Features;
import io.ebpf4j.internal.Capabilities;
import io.ebpf4j.internal.Pins;
import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.BpfProgInfo;
import io.ebpf4j.internal.sys.Descriptors;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.ProgLoadAttr;
import io.ebpf4j.internal.sys.ProgTestRunAttr;
import io.ebpf4j.internal.sys.Scratch;
import io.ebpf4j.link.BpfLink;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A program loaded into the kernel. Owns its file descriptor; {@link #close()} releases it (attached links and
 * pins keep the program alive in the kernel).
 */
public final class BpfProgram implements KernelObject {
    static {
        Descriptors.register(BpfProgram.class, bpfprogram -> bpfprogram.fd);
    }


    private final Fd fd;
    private final String name;
    private final ProgramType type;
    private final AttachType attachType;
    private final String sectionName;
    private volatile String pinnedPath;

    private BpfProgram(Fd fd, String name, ProgramType type, AttachType attachType, String sectionName) {
        this.fd = fd;
        this.name = name;
        this.type = type;
        this.attachType = attachType;
        this.sectionName = sectionName;
    }

    /** Loads a program with default options. */
    public static BpfProgram load(ProgramSpec spec) {
        return load(spec, ProgramOptions.defaults());
    }

    /**
     * Loads a program. The first attempt runs without a verifier log (fast path); if the kernel rejects the
     * program, it is loaded again with a log buffer that grows until the whole log fits, so that the exception
     * carries the verifier's explanation.
     *
     * @throws VerifierException if the verifier rejects the program
     * @throws NotSupportedException if the kernel lacks the program type or refuses the hook
     * @throws BpfPermissionException if a capability is missing
     */
    public static BpfProgram load(ProgramSpec spec, ProgramOptions options) {
        return load(spec, options, LoadExtras.NONE);
    }

    /**
     * Attributes that come from the collection loader (BTF, attach targets, fd arrays). {@code expectedAttachType}
     * replaces the spec's when not -1: struct_ops programs pass the index of the member they implement there.
     */
    record LoadExtras(int btfFd, byte[] funcInfo, int funcInfoRecordSize, int funcInfoCount, byte[] lineInfo,
            int lineInfoRecordSize, int lineInfoCount, int attachBtfId, int attachBtfObjFd, int attachProgFd,
            int expectedAttachType) {
        static final LoadExtras NONE = new LoadExtras(-1, null, 0, 0, null, 0, 0, 0, -1, -1, -1);
    }

    static BpfProgram load(ProgramSpec spec, ProgramOptions options, LoadExtras extras) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        Instructions instructions = spec.instructions();
        if (instructions.size() == 0) {
            throw new IllegalArgumentException("program '" + spec.name() + "' has no instructions");
        }
        if (spec.type() == ProgramType.UNSPEC) {
            throw unspecifiedType(spec);
        }
        requireResolved(spec);
        byte[] code = instructions.marshal(ByteOrder.nativeOrder());
        NativeBuffer insns = new NativeBuffer(code.length).put(0, code, 0, code.length);
        NativeBuffer license = new NativeBuffer(spec.license().length() + 1);
        long licenseAddress = license.putCString(spec.license());
        NativeBuffer funcInfo = copy(extras.funcInfo());
        NativeBuffer lineInfo = copy(extras.lineInfo());

        int logLevel = options.logLevel();
        int logSize = options.logSize();
        NativeBuffer log = logLevel > 0 ? new NativeBuffer(logSize) : null;
        boolean truncated = false;
        for (;;) {
            Scratch scratch = Scratch.get();
            NativeBuffer attr = Bpf.attr(scratch, ProgLoadAttr.BYTES);
            ByteBuffer a = attr.buffer();
            a.putInt(ProgLoadAttr.PROG_TYPE, spec.type().value());
            a.putInt(ProgLoadAttr.INSN_CNT, instructions.slotCount());
            a.putLong(ProgLoadAttr.INSNS, insns.address());
            a.putLong(ProgLoadAttr.LICENSE, licenseAddress);
            a.putInt(ProgLoadAttr.KERN_VERSION, spec.kernelVersion());
            a.putInt(ProgLoadAttr.PROG_FLAGS, spec.flags());
            byte[] objectName = BpfMap.objectName(spec.name());
            if (Features.hasObjectNames()) {
                a.put(ProgLoadAttr.PROG_NAME, objectName, 0, objectName.length);
            }
            a.putInt(ProgLoadAttr.EXPECTED_ATTACH_TYPE, extras.expectedAttachType() >= 0
                    ? extras.expectedAttachType() : spec.attachType().value());
            if (extras.btfFd() >= 0) {
                a.putInt(ProgLoadAttr.PROG_BTF_FD, extras.btfFd());
                if (funcInfo != null) {
                    a.putInt(ProgLoadAttr.FUNC_INFO_REC_SIZE, extras.funcInfoRecordSize());
                    a.putLong(ProgLoadAttr.FUNC_INFO, funcInfo.address());
                    a.putInt(ProgLoadAttr.FUNC_INFO_CNT, extras.funcInfoCount());
                }
                if (lineInfo != null) {
                    a.putInt(ProgLoadAttr.LINE_INFO_REC_SIZE, extras.lineInfoRecordSize());
                    a.putLong(ProgLoadAttr.LINE_INFO, lineInfo.address());
                    a.putInt(ProgLoadAttr.LINE_INFO_CNT, extras.lineInfoCount());
                }
            }
            a.putInt(ProgLoadAttr.ATTACH_BTF_ID, extras.attachBtfId());
            if (extras.attachProgFd() >= 0) {
                a.putInt(ProgLoadAttr.ATTACH_PROG_FD, extras.attachProgFd());
            } else if (extras.attachBtfObjFd() >= 0) {
                a.putInt(ProgLoadAttr.ATTACH_BTF_OBJ_FD, extras.attachBtfObjFd());
            }
            if (log != null) {
                log.clear(Math.min(log.capacity(), 64));
                a.putInt(ProgLoadAttr.LOG_LEVEL, logLevel);
                a.putInt(ProgLoadAttr.LOG_SIZE, log.capacity());
                a.putLong(ProgLoadAttr.LOG_BUF, log.address());
            }
            long r = Bpf.progLoad(attr);
            if (r >= 0) {
                return new BpfProgram(Fd.own((int) r, "program '" + spec.name() + "'"), spec.name(), spec.type(),
                        spec.attachType(), spec.sectionName());
            }
            int errno = (int) -r;
            int trueSize = a.getInt(ProgLoadAttr.LOG_TRUE_SIZE);
            if (log == null && options.retryWithLog()) {
                logLevel = 1;
                log = new NativeBuffer(logSize);
                continue;
            }
            if (log != null && errno == Errno.ENOSPC && log.capacity() < ProgramOptions.MAX_LOG_SIZE) {
                int grown = trueSize > log.capacity() ? trueSize : log.capacity() * 4;
                log = new NativeBuffer(Math.min(grown, ProgramOptions.MAX_LOG_SIZE));
                continue;
            }
            truncated = errno == Errno.ENOSPC;
            String text = log == null ? "" : log.getCString(0, log.capacity());
            throw loadError(spec, errno, text, truncated);
        }
    }

    /** What to do about a program whose section name said nothing libbpf's table (or a resolver) knows. */
    static BpfException unspecifiedType(ProgramSpec spec) {
        String section = spec.sectionName().isEmpty() ? "" : " (section " + spec.sectionName() + ")";
        return new BpfException("program '" + spec.name() + "'" + section + " has no program type"
                + (section.isEmpty() ? "" : ": libbpf's section names do not include it")
                + "; set it before loading, e.g. spec.programs().get(\"" + spec.name()
                + "\").type(ProgramType.XDP) (with attachType/attachTo if its hook needs them), read the object with"
                + " CollectionSpec.load(bytes, SectionResolver) to teach the section name, or turn its autoload off");
    }

    private static NativeBuffer copy(byte[] data) {
        return data == null || data.length == 0 ? null : new NativeBuffer(data.length).put(0, data, 0, data.length);
    }

    /** A program loaded alone must not refer to maps, functions or kernel symbols left for a collection to fill. */
    private static void requireResolved(ProgramSpec spec) {
        List<String> unresolved = new ArrayList<>();
        Set<String> symbols = spec.instructions().functionOffsets().keySet();
        for (Instruction insn : spec.instructions()) {
            String ref = insn.reference();
            if (ref == null) {
                continue;
            }
            // The assembler's placeholders: 0 for a map not yet given an fd, -1 for a kfunc without a BTF id.
            if ((insn.isLoadFromMap() && insn.constant() == 0) || (insn.isKfuncCall() && insn.constant() == -1)) {
                unresolved.add(ref);
            } else if ((insn.isBpfToBpfCall() || insn.isFunctionReference()) && !symbols.contains(ref)) {
                unresolved.add(ref);
            }
        }
        if (!unresolved.isEmpty()) {
            throw new BpfException("program '" + spec.name() + "' refers to " + String.join(", ", unresolved)
                    + ", which only a collection can resolve: load it with BpfCollection.load");
        }
    }

    private static BpfException loadError(ProgramSpec spec, int errno, String log, boolean truncated) {
        String what = "load program '" + spec.name() + "' (" + spec.type()
                + (spec.sectionName().isEmpty() ? "" : ", section " + spec.sectionName()) + ")";
        if (errno == Errno.EPERM || errno == Errno.EACCES) {
            List<String> missing = Capabilities.missing(spec.type().requiredCapabilities());
            if (!missing.isEmpty()) {
                return Errors.of(what, errno, spec.type().requiredCapabilities());
            }
        }
        // A kernel that refuses a program type or attach type outright fails before the verifier looks at an
        // instruction: the log is empty or holds only the closing statistics ("processed 0 insns ..."), no verdict.
        boolean refusedBeforeVerification = errno == Errno.EPERM || errno == Errno.EACCES || errno == Errno.EINVAL
                || errno == Errno.E2BIG || errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP;
        if (refusedBeforeVerification && VerifierException.tail(log).isEmpty()) {
            return refusal(spec, what, errno);
        }
        if (errno == Errno.EAGAIN) {
            // not a verdict: the verifier stopped for signals on every attempt (Bpf.progLoad)
            return new BpfException("cannot " + what + ": the verifier was interrupted by a signal for this thread"
                    + " on every attempt (EAGAIN); a sampling profiler at a high rate sends them, lower its rate or"
                    + " load before it starts", errno);
        }
        if (!log.isBlank()) {
            return new VerifierException(spec.name(), errno, log, truncated);
        }
        return Errors.of(what, errno, spec.type().requiredCapabilities());
    }

    /** The kernel refused the kind of program before verifying it: a missing feature, named as users know it. */
    private static NotSupportedException refusal(ProgramSpec spec, String what, int errno) {
        String reason = " (" + Errno.name(errno) + " before verification, with no verifier verdict";
        if (spec.attachType() == AttachType.TRACE_ITER) {
            String target = spec.attachTo() != null ? spec.attachTo()
                    : spec.sectionName().replaceFirst("^iter\\.?s?/", "");
            return new NotSupportedException("iterator " + target, what + ": this kernel refuses iterator '"
                    + target + "'" + reason + ")", errno);
        }
        String disabled = spec.type() == ProgramType.LSM ? "BPF LSM is not enabled"
                : spec.type() == ProgramType.TRACING || spec.type() == ProgramType.EXT
                        ? "BPF trampolines are not available" : null;
        if (disabled != null && (errno == Errno.EPERM || errno == Errno.EACCES)) {
            return new NotSupportedException(spec.hookName(), what + ": this kernel does not support "
                    + spec.hookName() + " programs" + reason + ": " + disabled + ")", errno);
        }
        String feature = "program type " + spec.type()
                + (spec.attachType() == AttachType.NONE ? "" : " with attach type " + spec.attachType());
        return new NotSupportedException(feature, what + ": this kernel refuses " + feature + reason + ")", errno);
    }

    /** Opens a program pinned in bpffs. */
    public static BpfProgram loadPinned(String path) {
        BpfProgram program = fromOwnedFd(Pins.open("program", path, PinAccess.READ_WRITE.fileFlags));
        program.pinnedPath = path;
        return program;
    }

    /** Opens the program with a kernel id (needs CAP_SYS_ADMIN). */
    public static BpfProgram fromId(int id) {
        int raw = Bpf.fdById(Bpf.PROG_GET_FD_BY_ID, id, 0);
        if (raw < 0) {
            throw Errors.of("open program id " + id, -raw, "CAP_SYS_ADMIN");
        }
        return fromOwnedFd(Fd.own(raw, "program id " + id));
    }

    private static BpfProgram fromOwnedFd(Fd fd) {
        try {
            ProgramInfo info = info(fd, false);
            // The kernel does not report the expected attach type: a program opened by pin or id has none known.
            return new BpfProgram(fd, info.name(), info.type(), AttachType.NONE, "");
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** Ids of all programs in the kernel (needs CAP_SYS_ADMIN). */
    public static List<Integer> allIds() {
        return BpfMap.ids(Bpf.PROG_GET_NEXT_ID);
    }

    public String name() {
        return name;
    }

    public ProgramType type() {
        return type;
    }

    /**
     * The expected attach type the program was loaded with; {@link AttachType#NONE} when it had none or is not known
     * (programs opened with {@link #loadPinned} or {@link #fromId}).
     */
    public AttachType attachType() {
        return attachType;
    }

    @Override
    public int fd() {
        return fd.number();
    }

    /** The owned descriptor, for code of this package; other packages of the library use {@link Descriptors}. */
    Fd descriptor() {
        return fd;
    }

    public Optional<String> pinnedPath() {
        return Optional.ofNullable(pinnedPath);
    }

    /** What the kernel reports about this program, including the ids of the maps it uses. */
    public ProgramInfo info() {
        return info(fd, true);
    }

    private static ProgramInfo info(Fd fd, boolean withMapIds) {
        int raw = fd.acquire();
        try {
            NativeBuffer info = Scratch.get().info;
            int r = Bpf.objInfo(raw, info, BpfProgInfo.BYTES);
            if (r < 0) {
                throw Errors.of("get info of " + fd.description(), -r, "CAP_BPF");
            }
            ByteBuffer b = info.buffer();
            int mapCount = b.getInt(BpfProgInfo.NR_MAP_IDS);
            List<Integer> mapIds = List.of();
            if (withMapIds && mapCount > 0) {
                NativeBuffer ids = new NativeBuffer(Integer.BYTES * mapCount);
                info.clear(BpfProgInfo.BYTES);
                b.putInt(BpfProgInfo.NR_MAP_IDS, mapCount);
                b.putLong(BpfProgInfo.MAP_IDS, ids.address());
                int again = Bpf.objInfoPrepared(raw, info, BpfProgInfo.BYTES);
                if (again < 0) {
                    throw Errors.of("get map ids of " + fd.description(), -again, "CAP_BPF");
                }
                List<Integer> found = new ArrayList<>();
                for (int i = 0; i < Math.min(mapCount, b.getInt(BpfProgInfo.NR_MAP_IDS)); i++) {
                    found.add(ids.buffer().getInt(Integer.BYTES * i));
                }
                mapIds = List.copyOf(found);
            }
            byte[] tag = new byte[Bpf.TAG_SIZE];
            b.get(BpfProgInfo.TAG, tag);
            return new ProgramInfo(b.getInt(BpfProgInfo.ID), ProgramType.of(b.getInt(BpfProgInfo.TYPE)),
                    info.getCString(BpfProgInfo.NAME, Bpf.OBJ_NAME_LEN), HexFormat.of().formatHex(tag), mapIds,
                    Duration.ofNanos(b.getLong(BpfProgInfo.LOAD_TIME)), b.getInt(BpfProgInfo.CREATED_BY_UID),
                    b.getInt(BpfProgInfo.VERIFIED_INSNS), b.getInt(BpfProgInfo.XLATED_PROG_LEN),
                    b.getInt(BpfProgInfo.JITED_PROG_LEN), b.getInt(BpfProgInfo.BTF_ID),
                    b.getLong(BpfProgInfo.RUN_CNT), b.getLong(BpfProgInfo.RUN_TIME_NS),
                    b.getLong(BpfProgInfo.RECURSION_MISSES));
        } finally {
            fd.release();
        }
    }

    /**
     * Runs the program once or {@code repeat} times on the given input in the kernel ({@code BPF_PROG_RUN}),
     * without attaching it.
     */
    public TestRun.Result testRun(TestRun run) {
        NativeBuffer dataIn = new NativeBuffer(Math.max(1, run.data().length)).put(0, run.data(), 0,
                run.data().length);
        NativeBuffer dataOut = run.dataOutSize() > 0 ? new NativeBuffer(run.dataOutSize()) : null;
        NativeBuffer ctxIn = run.context().length > 0
                ? new NativeBuffer(run.context().length).put(0, run.context(), 0, run.context().length) : null;
        NativeBuffer ctxOut = run.contextOutSize() > 0 ? new NativeBuffer(run.contextOutSize()) : null;
        int raw = fd.acquire();
        try {
            NativeBuffer attr = Bpf.attr(Scratch.get(), ProgTestRunAttr.BYTES);
            ByteBuffer a = attr.buffer();
            a.putInt(ProgTestRunAttr.PROG_FD, raw);
            a.putInt(ProgTestRunAttr.DATA_SIZE_IN, run.data().length);
            a.putInt(ProgTestRunAttr.DATA_SIZE_OUT, run.dataOutSize());
            a.putLong(ProgTestRunAttr.DATA_IN, run.data().length > 0 ? dataIn.address() : 0);
            a.putLong(ProgTestRunAttr.DATA_OUT, dataOut == null ? 0 : dataOut.address());
            a.putInt(ProgTestRunAttr.REPEAT, run.repeat());
            a.putInt(ProgTestRunAttr.CTX_SIZE_IN, run.context().length);
            a.putInt(ProgTestRunAttr.CTX_SIZE_OUT, run.contextOutSize());
            a.putLong(ProgTestRunAttr.CTX_IN, ctxIn == null ? 0 : ctxIn.address());
            a.putLong(ProgTestRunAttr.CTX_OUT, ctxOut == null ? 0 : ctxOut.address());
            a.putInt(ProgTestRunAttr.FLAGS, run.flags());
            a.putInt(ProgTestRunAttr.CPU, run.cpu());
            long r = Bpf.call(Bpf.PROG_TEST_RUN, attr, ProgTestRunAttr.BYTES);
            // The kernel got addresses only: keep the input buffers alive until it has read them.
            Reference.reachabilityFence(dataIn);
            Reference.reachabilityFence(ctxIn);
            if (r < 0) {
                int errno = (int) -r;
                if (errno == Errno.ENOTSUPP || errno == Errno.EOPNOTSUPP) {
                    throw new NotSupportedException("test run of " + type,
                            "program '" + name + "': this kernel cannot test-run " + type + " programs", errno);
                }
                throw Errors.of("test run of program '" + name + "'", errno, "CAP_BPF");
            }
            int dataOutLength = Math.min(a.getInt(ProgTestRunAttr.DATA_SIZE_OUT), run.dataOutSize());
            int ctxOutLength = Math.min(a.getInt(ProgTestRunAttr.CTX_SIZE_OUT), run.contextOutSize());
            return new TestRun.Result(a.getInt(ProgTestRunAttr.RETVAL),
                    Integer.toUnsignedLong(a.getInt(ProgTestRunAttr.DURATION)),
                    dataOut == null ? new byte[0] : dataOut.toArray(0, dataOutLength),
                    ctxOut == null ? new byte[0] : ctxOut.toArray(0, ctxOutLength));
        } finally {
            fd.release();
        }
    }

    /** Pins the program in bpffs at {@code path}. */
    public void pin(String path) {
        Pins.pin(fd, "program '" + name + "'", path);
        pinnedPath = path;
    }

    public void unpin() {
        String path = pinnedPath;
        if (path != null) {
            Pins.unpin("program '" + name + "'", path);
            pinnedPath = null;
        }
    }

    /** The ELF section the program was loaded from, or empty (hand-made and pinned programs). */
    public String sectionName() {
        return sectionName;
    }

    /**
     * Attaches the program where its section name says, as libbpf's {@code bpf_program__attach} does:
     * {@code tracepoint/<group>/<name>}, {@code raw_tp/<name>}, {@code fentry/<function>} and other BTF tracing and
     * LSM sections, {@code iter/<target>}, {@code kprobe/<function>[+<offset>]}, {@code ksyscall/<name>},
     * {@code uprobe/<binary>:<symbol>[+<offset>]} and {@code usdt/<binary>:<provider>:<name>} (in every process).
     *
     * @throws NotSupportedException if the section names no target libbpf attaches to by itself (XDP, cgroup and
     *     other hooks whose target only the application knows; a bare {@code SEC("kprobe")})
     */
    public BpfLink attach() {
        return AutoAttach.attach(this);
    }

    /** A second handle (own descriptor) for the same program. */
    @Override
    public BpfProgram clone() {
        return new BpfProgram(fd.dup(), name, type, attachType, sectionName);
    }

    @Override
    public void close() {
        fd.close();
    }

    public boolean isClosed() {
        return fd.isClosed();
    }

    @Override
    public String toString() {
        return "BpfProgram[" + name + ", " + type + (fd.isClosed() ? ", closed" : "") + "]";
    }
}
