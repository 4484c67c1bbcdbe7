package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.Descriptors;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.ProgAttachAttr;
import io.ebpf4j.internal.sys.Scratch;

import java.nio.ByteBuffer;

/**
 * A program attached with {@code BPF_PROG_ATTACH}, for kernels without bpf_link (before 5.7). Keeps the target (a
 * cgroup directory) and its own handle of the program open, because {@code BPF_PROG_DETACH} needs both. There is
 * no kernel link object: no pinning, no info; {@link #update} uses {@code BPF_F_REPLACE}.
 */
final class ProgAttachLink extends Unpinnable {
    static final int F_ALLOW_MULTI = 1 << 1;
    static final int F_REPLACE = 1 << 2;

    private final Fd target;
    private final AttachType attachType;
    private final int flags;
    private final String description;
    private Fd program;
    private boolean detached;

    private ProgAttachLink(Fd target, AttachType attachType, int flags, Fd program, String description) {
        this.target = target;
        this.attachType = attachType;
        this.flags = flags;
        this.program = program;
        this.description = description;
    }

    /**
     * Attaches {@code program} to {@code target} with {@code flags} (e.g. {@link #F_ALLOW_MULTI}). Takes ownership
     * of {@code target}: it is closed when the link is, or now if attaching fails.
     */
    static ProgAttachLink attach(Fd target, AttachType attachType, int flags, BpfProgram program,
            String description) {
        Fd programHandle = null;
        try {
            programHandle = Descriptors.of(program).dup();
            int r = call(Bpf.PROG_ATTACH, target, programHandle, attachType, flags, null);
            if (r < 0) {
                throw Errors.of("attach " + description, -r, program.type().attachCapabilities());
            }
            return new ProgAttachLink(target, attachType, flags, programHandle, description);
        } catch (RuntimeException e) {
            if (programHandle != null) {
                programHandle.close();
            }
            target.close();
            throw e;
        }
    }

    private static int call(int command, Fd target, Fd program, AttachType attachType, int flags, Fd replaced) {
        int targetFd = target.acquire();
        try {
            int programFd = program.acquire();
            try {
                NativeBuffer attr = Bpf.attr(Scratch.get(), ProgAttachAttr.BYTES);
                ByteBuffer a = attr.buffer();
                a.putInt(ProgAttachAttr.TARGET_FD, targetFd);
                a.putInt(ProgAttachAttr.ATTACH_BPF_FD, programFd);
                a.putInt(ProgAttachAttr.ATTACH_TYPE, attachType.value());
                a.putInt(ProgAttachAttr.ATTACH_FLAGS, flags);
                if (replaced == null) {
                    return (int) Bpf.call(command, attr, ProgAttachAttr.BYTES);
                }
                int replacedFd = replaced.acquire();
                try {
                    a.putInt(ProgAttachAttr.REPLACE_BPF_FD, replacedFd);
                    return (int) Bpf.call(command, attr, ProgAttachAttr.BYTES);
                } finally {
                    replaced.release();
                }
            } finally {
                program.release();
            }
        } finally {
            target.release();
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    NotSupportedException withoutLink(String operation) {
        return new NotSupportedException(operation + " of BPF_PROG_ATTACH attachments", description + ": "
                + operation + " needs a bpf_link; this program was attached with BPF_PROG_ATTACH because the kernel"
                + " has no bpf_link (Linux 5.7+)");
    }

    /** Replaces the program in place ({@code BPF_F_REPLACE}), which needs a multi-program attachment. */
    @Override
    public synchronized void update(BpfProgram replacement) {
        if ((flags & F_ALLOW_MULTI) == 0) {
            throw new NotSupportedException("update of exclusive BPF_PROG_ATTACH attachments", description
                    + ": only attachments made with BPF_F_ALLOW_MULTI can be replaced in place");
        }
        Fd next = Descriptors.of(replacement).dup();
        int r = call(Bpf.PROG_ATTACH, target, next, attachType, flags | F_REPLACE, program);
        if (r < 0) {
            next.close();
            throw Errors.of("replace the program of " + description + " with '" + replacement.name() + "'", -r,
                    replacement.type().attachCapabilities());
        }
        program.close();
        program = next;
    }

    @Override
    public synchronized void detach() {
        if (detached) {
            return;
        }
        int r = call(Bpf.PROG_DETACH, target, program, attachType, 0, null);
        if (r < 0) {
            throw Errors.of("detach " + description, -r, "CAP_BPF + CAP_NET_ADMIN");
        }
        detached = true;
    }

    @Override
    public synchronized boolean isClosed() {
        return target.isClosed();
    }

    @Override
    public synchronized void close() {
        if (target.isClosed()) {
            return;
        }
        try {
            detach();
        } finally {
            program.close();
            target.close();
        }
    }

    @Override
    public String toString() {
        return description + (isClosed() ? " (closed)" : "");
    }
}
