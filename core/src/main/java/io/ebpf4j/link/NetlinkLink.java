package io.ebpf4j.link;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.internal.sys.Descriptors;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;

/**
 * A program attached over rtnetlink instead of a bpf_link ({@link NetlinkXdpLink}, {@link ClsactLink}). The link
 * keeps a duplicate of the attached program's descriptor, so that update and detach can name exactly the program it
 * attached and never remove one that someone else put there since, and its own netlink socket, so that it detaches
 * in the network namespace it attached in. Nothing the kernel knows as a link exists: no info, no pinning.
 */
abstract class NetlinkLink extends Unpinnable {
    final Rtnetlink netlink;
    final String interfaceName;
    final int ifindex;
    private final String hook;
    private String description;
    private Fd program;
    private boolean closed;

    NetlinkLink(String hook, String interfaceName, BpfProgram program) {
        this.hook = hook;
        this.interfaceName = interfaceName;
        this.ifindex = Interfaces.index(interfaceName);
        this.description = describe(program);
        this.netlink = new Rtnetlink();
        try {
            this.program = Descriptors.of(program).dup();
        } catch (RuntimeException e) {
            netlink.close();
            throw e;
        }
    }

    /** Attaches {@code program}, called {@code name} (the first time, {@code previous} is null): 0 or -errno. */
    abstract int attach(int program, String name, Fd previous);

    /** Removes {@code attached}: 0 or -errno. */
    abstract int remove(Fd attached);

    /** What to tell the user when attaching failed with {@code errno}. */
    abstract BpfException attachError(int errno, String explanation);

    private String describe(BpfProgram attached) {
        return hook + " on " + interfaceName + " <- " + Attachments.describe(attached) + " (netlink)";
    }

    /** Attaches the constructor's program, called {@code name}; subclass constructors call it last. */
    final void attachFirst(String name) {
        int r = attach(program.number(), name, null);
        if (r < 0) {
            BpfException error = attachError(-r, netlink.lastExplanation());
            program.close();
            netlink.close();
            throw error;
        }
    }

    @Override
    public synchronized String description() {
        return description;
    }

    @Override
    NotSupportedException withoutLink(String operation) {
        return new NotSupportedException(operation + " of netlink attachments", description() + ": attached over"
                + " netlink, not with a bpf_link, so " + operation + " is not available");
    }

    @Override
    public synchronized void update(BpfProgram replacement) {
        requireOpen();
        Fd next = Descriptors.of(replacement).dup();
        int r = attach(next.number(), replacement.name(), program);
        if (r < 0) {
            next.close();
            throw Errors.of("replace the program of " + description + explain(netlink.lastExplanation()), -r,
                    "CAP_NET_ADMIN");
        }
        program.close();
        program = next;
        description = describe(replacement);
    }

    @Override
    public synchronized void detach() {
        requireOpen();
        if (program == null) {
            return;
        }
        int r = remove(program);
        // ENOENT: the program is gone already (the interface too, or someone removed or replaced it).
        if (r < 0 && r != -Errno.ENOENT && r != -Errno.ENODEV && r != -Errno.EEXIST) {
            throw Errors.of("detach " + description + explain(netlink.lastExplanation()), -r, "CAP_NET_ADMIN");
        }
        program.close();
        program = null;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(description + " is closed");
        }
    }

    static String explain(String explanation) {
        return explanation.isEmpty() ? "" : " (kernel: " + explanation + ")";
    }

    @Override
    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            detach();
        } finally {
            closed = true;
            if (program != null) {
                program.close();
            }
            netlink.close();
        }
    }

    @Override
    public String toString() {
        return description() + (isClosed() ? " (closed)" : "");
    }
}
