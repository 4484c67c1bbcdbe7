package io.ebpf4j.link;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.Ifinfomsg;

/**
 * An XDP program attached with {@code RTM_SETLINK} and {@code IFLA_XDP}: the way before XDP links (Linux 5.9), and
 * the way {@code ip link set dev X xdp} attaches. Updates and detaches name the attached program as the expected
 * one ({@code XDP_FLAGS_REPLACE}), so they never remove a program this link did not put there.
 */
final class NetlinkXdpLink extends NetlinkLink {
    private static final int IFLA_XDP = 43;
    private static final int IFLA_XDP_FD = 1;
    private static final int IFLA_XDP_FLAGS = 3;
    private static final int IFLA_XDP_EXPECTED_FD = 8;
    private static final int XDP_FLAGS_UPDATE_IF_NOEXIST = 1;
    private static final int XDP_FLAGS_REPLACE = 1 << 4;

    private final XdpMode mode;

    NetlinkXdpLink(String interfaceName, BpfProgram program, XdpMode mode) {
        super("XDP" + (mode == XdpMode.DEFAULT ? "" : " (" + mode + ")"), interfaceName, program);
        this.mode = mode;
        attachFirst(program.name());
    }

    @Override
    int attach(int program, String name, Fd previous) {
        return set(program, previous);
    }

    @Override
    int remove(Fd attached) {
        return set(-1, attached);
    }

    /** Sets the interface's XDP program to {@code program} (-1: none), replacing {@code expected} if given. */
    private int set(int program, Fd expected) {
        int flags = mode.flags | (expected == null ? XDP_FLAGS_UPDATE_IF_NOEXIST : XDP_FLAGS_REPLACE);
        Rtnetlink.Message message = new Rtnetlink.Message(Rtnetlink.RTM_SETLINK, 0)
                .familyHeader(Ifinfomsg.BYTES, h -> h.putInt(Ifinfomsg.IFI_INDEX, ifindex))
                .begin(IFLA_XDP).attribute(IFLA_XDP_FD, program).attribute(IFLA_XDP_FLAGS, flags);
        if (expected == null) {
            return netlink.request(message.end());
        }
        int raw = expected.acquire();
        try {
            return netlink.request(message.attribute(IFLA_XDP_EXPECTED_FD, raw).end());
        } finally {
            expected.release();
        }
    }

    @Override
    BpfException attachError(int errno, String explanation) {
        String what = "attach " + description() + explain(explanation);
        if (errno == Errno.EOPNOTSUPP) {
            return new NotSupportedException("XDP " + mode, what + ": the driver of " + interfaceName
                    + " does not support " + mode + " mode XDP (EOPNOTSUPP); use XdpMode.GENERIC", errno);
        }
        if (errno == Errno.EBUSY || errno == Errno.EEXIST) {
            return new BpfException(what + ": " + Errno.describe(errno) + " (" + interfaceName + " already has an"
                    + " XDP program; remove it with `ip link set dev " + interfaceName + " xdp off`)", errno);
        }
        return Errors.of(what, errno, "CAP_NET_ADMIN");
    }
}
