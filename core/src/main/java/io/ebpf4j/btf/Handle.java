package io.ebpf4j.btf;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfPermissionException;
import io.ebpf4j.internal.sys.Descriptors;
import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.BpfBtfInfo;
import io.ebpf4j.internal.sys.BtfLoadAttr;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.Scratch;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * BTF loaded into the kernel: the file descriptor that maps and programs refer to ({@code btf_fd}), and the object's
 * kernel-wide id (what {@code bpftool btf show} lists). Closing the handle releases this process's reference; the
 * kernel frees the BTF when no map or program uses it any more.
 */
public final class Handle implements AutoCloseable {
    static {
        Descriptors.register(Handle.class, handle -> handle.fd);
    }

    private static final int NAME_MAX = 64;

    private static final int FIRST_LOG_SIZE = 64 * 1024;
    private static final int MAX_LOG_SIZE = 16 * 1024 * 1024;

    private final Fd fd;
    private final int id;

    private Handle(Fd fd) {
        this.fd = fd;
        try {
            this.id = infoInt(BpfBtfInfo.ID);
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /**
     * Loads a BTF blob (native byte order) with {@code BPF_BTF_LOAD}. A first attempt runs without a log; when it
     * fails, the load is repeated with the kernel's BTF log enabled so that the exception explains the failure.
     *
     * @throws BtfLoadException when the kernel rejects the blob, with its log
     * @throws BpfPermissionException without CAP_BPF
     */
    public static Handle load(byte[] blob) {
        NativeBuffer raw = new NativeBuffer(blob.length).put(0, blob, 0, blob.length);
        long result = btfLoad(raw, blob.length, null, 0);
        if (result >= 0) {
            return new Handle(Fd.own((int) result, "BTF"));
        }
        int errno = (int) -result;
        if (errno == Errno.EPERM || errno == Errno.EACCES || errno == Errno.ENOSYS) {
            throw Errors.of("load BTF (BPF_BTF_LOAD)", errno, "CAP_BPF");
        }
        for (int logSize = FIRST_LOG_SIZE; ; logSize *= 4) {
            NativeBuffer log = new NativeBuffer(logSize).clear(logSize);
            result = btfLoad(raw, blob.length, log, logSize);
            if (result >= 0) {
                return new Handle(Fd.own((int) result, "BTF")); // the failure did not repeat
            }
            boolean truncated = -result == Errno.ENOSPC;
            if (!truncated || logSize >= MAX_LOG_SIZE) {
                String text = log.getCString(0, logSize);
                throw new BtfLoadException("load BTF (BPF_BTF_LOAD): " + Errno.describe(errno)
                        + (truncated ? " (log truncated)" : ""), errno, text);
            }
        }
    }

    /** Marshals the builder's types for the running kernel (see {@link MarshalOptions#forKernel()}) and loads them. */
    public static Handle load(Builder builder) {
        return load(builder.marshal(MarshalOptions.forKernel()));
    }

    /**
     * Opens the kernel BTF object with this id ({@code BPF_BTF_GET_FD_BY_ID}): vmlinux, a module's BTF, or BTF
     * loaded by any process.
     *
     * @throws BpfException with errno ENOENT when no such object exists
     */
    public static Handle fromId(int id) {
        int fd = Bpf.fdById(Bpf.BTF_GET_FD_BY_ID, id, 0);
        if (fd < 0) {
            throw Errors.of("open BTF object id " + id, -fd, "CAP_SYS_ADMIN");
        }
        return new Handle(Fd.own(fd, "BTF id " + id));
    }

    /** Loads and at once releases a blob: 0 if the kernel accepts it, else the errno. For feature probes. */
    static int probe(byte[] blob) {
        NativeBuffer raw = new NativeBuffer(blob.length).put(0, blob, 0, blob.length);
        long fd = btfLoad(raw, blob.length, null, 0);
        if (fd < 0) {
            return (int) -fd;
        }
        Fd.own((int) fd, "BTF probe").close();
        return 0;
    }

    private static long btfLoad(NativeBuffer blob, int size, NativeBuffer log, int logSize) {
        NativeBuffer attr = Bpf.attr(Scratch.get(), BtfLoadAttr.BYTES);
        ByteBuffer a = attr.buffer();
        a.putLong(BtfLoadAttr.BTF, blob.address());
        a.putInt(BtfLoadAttr.BTF_SIZE, size);
        if (log != null) {
            a.putLong(BtfLoadAttr.BTF_LOG_BUF, log.address());
            a.putInt(BtfLoadAttr.BTF_LOG_SIZE, logSize);
            a.putInt(BtfLoadAttr.BTF_LOG_LEVEL, 1);
        }
        long result = Bpf.call(Bpf.BTF_LOAD, attr, BtfLoadAttr.BYTES);
        // The kernel got addresses only: keep the buffers alive until it has read (and written) them.
        Reference.reachabilityFence(blob);
        Reference.reachabilityFence(log);
        return result;
    }

    /** The descriptor's number, valid until this handle is closed. */
    public int fd() {
        return fd.number();
    }

    /** The kernel-wide BTF object id. */
    public int id() {
        return id;
    }

    /** The object's name: {@code vmlinux} or a module name for kernel BTF, usually empty otherwise. */
    public String name() {
        byte[] name = new byte[NAME_MAX];
        info(fd, null, name);
        int length = 0;
        while (length < name.length && name[length] != 0) {
            length++;
        }
        return new String(name, 0, length, StandardCharsets.UTF_8);
    }

    /** Whether this is the kernel's own BTF (vmlinux or a module). */
    public boolean isKernel() {
        return infoInt(BpfBtfInfo.KERNEL_BTF) != 0;
    }

    /**
     * Reads the BTF back from the kernel and parses it; module BTF is parsed as split BTF on top of
     * {@link Spec#kernel()}.
     */
    public Spec spec() {
        int size = infoInt(BpfBtfInfo.BTF_SIZE);
        byte[] raw = new byte[size];
        info(fd, raw, null);
        if (isKernel() && !name().equals("vmlinux")) {
            return Spec.parseSplit(raw, Spec.kernel());
        }
        return Spec.parse(raw);
    }

    private int infoInt(int offset) {
        return ByteBuffer.wrap(info(fd, null, null)).order(ByteOrder.nativeOrder()).getInt(offset);
    }

    /** {@code BPF_OBJ_GET_INFO_BY_FD}, optionally copying the raw BTF and the name into the given arrays. */
    private static byte[] info(Fd fd, byte[] btf, byte[] name) {
        NativeBuffer info = new NativeBuffer(BpfBtfInfo.BYTES).clear(BpfBtfInfo.BYTES);
        NativeBuffer btfBuffer = btf == null ? null : new NativeBuffer(btf.length);
        NativeBuffer nameBuffer = name == null ? null : new NativeBuffer(name.length).clear(name.length);
        ByteBuffer i = info.buffer();
        if (btfBuffer != null) {
            i.putLong(BpfBtfInfo.BTF, btfBuffer.address());
            i.putInt(BpfBtfInfo.BTF_SIZE, btf.length);
        }
        if (nameBuffer != null) {
            i.putLong(BpfBtfInfo.NAME, nameBuffer.address());
            i.putInt(BpfBtfInfo.NAME_LEN, name.length);
        }
        int raw = fd.acquire();
        try {
            int result = Bpf.objInfoPrepared(raw, info, BpfBtfInfo.BYTES);
            if (result < 0) {
                throw Errors.of("read BTF object info", -result, "CAP_SYS_ADMIN");
            }
        } finally {
            fd.release();
        }
        if (btfBuffer != null) {
            btfBuffer.get(0, btf, 0, btf.length);
        }
        if (nameBuffer != null) {
            nameBuffer.get(0, name, 0, name.length);
        }
        return info.toArray(0, BpfBtfInfo.BYTES);
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "BTF object id " + id + " (" + fd + ")";
    }
}
