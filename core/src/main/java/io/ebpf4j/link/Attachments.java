package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramType;
import io.ebpf4j.features.Features;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.NativeBuffer;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the hooks share: creating links, the errors of attaching, checks of the program and native arrays. */
final class Attachments {
    private Attachments() {}

    /** {@code BPF_LINK_CREATE} on a target given by descriptor. */
    static long create(BpfProgram program, Fd target, AttachType type) {
        int targetFd = target.acquire();
        try {
            return FdLink.create(program, targetFd, type, 0, null);
        } finally {
            target.release();
        }
    }

    static BpfLink linkOrThrow(long r, String description, BpfProgram program, String hook) {
        if (r < 0) {
            throw attachError(description, (int) -r, program, hook);
        }
        return new FdLink(Fd.own((int) r, description), description);
    }

    static BpfException attachError(String description, int errno, BpfProgram program, String hook) {
        if (errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP) {
            return new NotSupportedException(hook, "attach " + description + ": this kernel does not support " + hook
                    + " (" + Errno.name(errno) + ")", errno);
        }
        if (errno == Errno.EINVAL && !Features.hasBpfLink()) {
            return new NotSupportedException("bpf_link", "attach " + description + ": this kernel has no bpf_link"
                    + " (Linux 5.7+), which " + hook + " needs", errno);
        }
        if (errno == Errno.EEXIST) {
            return new BpfException("attach " + description + ": " + Errno.describe(errno) + " (the program is"
                    + " already attached to this hook, which takes each program once)", errno);
        }
        return Errors.of("attach " + description, errno, program.type().attachCapabilities());
    }

    static Fd open(Path path, int flags, String what) {
        NativeBuffer text = new NativeBuffer(0);
        long address = text.putCString(path.toString());
        int raw = LibC.open(address, flags, 0);
        int errno = raw < 0 ? LibC.errno() : 0;
        Reference.reachabilityFence(text);
        if (raw < 0) {
            if (errno == Errno.ENOENT || errno == Errno.ENOTDIR) {
                throw new BpfException("no " + what + " " + path, errno);
            }
            throw Errors.of("open " + what + " " + path, errno, "CAP_SYS_ADMIN");
        }
        return Fd.own(raw, what + " " + path);
    }

    static String describe(BpfProgram program) {
        return "program '" + program.name() + "'";
    }

    static void requireType(BpfProgram program, String hook, ProgramType... expected) {
        for (ProgramType type : expected) {
            if (program.type() == type) {
                return;
            }
        }
        throw new IllegalArgumentException(describe(program) + " is a " + program.type() + " program; a " + hook
                + " needs " + (expected.length == 1 ? expected[0] : "one of " + List.of(expected)));
    }

    /** A program opened by pin or id has no known attach type: the kernel then checks it. */
    static void requireAttachType(BpfProgram program, String hook, AttachType expected) {
        if (program.attachType() != AttachType.NONE && program.attachType() != expected) {
            throw new IllegalArgumentException(describe(program) + " was loaded with attach type "
                    + program.attachType() + "; a " + hook + " needs it loaded with " + expected);
        }
    }

    static void requireLocations(List<String> symbols, MultiProbeOptions options, String hook) {
        if (symbols.isEmpty()) {
            throw new IllegalArgumentException("a " + hook + " needs at least one function");
        }
        if (!options.cookies().isEmpty() && options.cookies().size() != symbols.size()) {
            throw new IllegalArgumentException(hook + ": " + options.cookies().size() + " cookies for "
                    + symbols.size() + " functions; give one per function or none");
        }
    }

    static String summary(List<String> symbols) {
        return symbols.size() <= 3 ? String.join(",", symbols)
                : String.join(",", symbols.subList(0, 3)) + ",... (" + symbols.size() + " functions)";
    }

    /** An array of pointers to NUL-terminated strings; the strings live in the same buffer, after the array. */
    static NativeBuffer cStringArray(List<String> strings) {
        List<byte[]> encoded = new ArrayList<>();
        int size = Long.BYTES * strings.size();
        for (String s : strings) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            encoded.add(bytes);
            size += bytes.length + 1;
        }
        NativeBuffer buffer = new NativeBuffer(size);
        int position = Long.BYTES * strings.size();
        for (int i = 0; i < encoded.size(); i++) {
            buffer.buffer().putLong(Long.BYTES * i, buffer.address() + position);
            buffer.put(position, encoded.get(i), 0, encoded.get(i).length);
            buffer.buffer().put(position + encoded.get(i).length, (byte) 0);
            position += encoded.get(i).length + 1;
        }
        return buffer;
    }

    /** Native {@code u64} array, or null for an empty list. */
    static NativeBuffer longArray(List<Long> values) {
        if (values.isEmpty()) {
            return null;
        }
        NativeBuffer buffer = new NativeBuffer(Long.BYTES * values.size());
        for (int i = 0; i < values.size(); i++) {
            buffer.buffer().putLong(Long.BYTES * i, values.get(i));
        }
        return buffer;
    }

    /** Closes {@code resource}, recording a failure as suppressed by {@code primary}. */
    static void closeQuietly(AutoCloseable resource, Throwable primary) {
        try {
            resource.close();
        } catch (Exception e) {
            primary.addSuppressed(e);
        }
    }

    /** Closes every link, after a failure that is being reported. */
    static void closeAll(List<BpfLink> links, Throwable primary) {
        for (BpfLink link : links) {
            closeQuietly(link, primary);
        }
    }

    /** Closes every link; the first failure is thrown once all are closed. */
    static void closeAll(List<BpfLink> links) {
        RuntimeException failure = null;
        for (BpfLink link : links) {
            try {
                link.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
