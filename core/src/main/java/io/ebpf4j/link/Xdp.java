package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramType;
import io.ebpf4j.features.Features;
import io.ebpf4j.internal.sys.Errno;

/** XDP through a bpf_link (Linux 5.9+); the netlink fallback is NetlinkXdpLink. */
final class Xdp {
    private Xdp() {}

    static BpfLink xdp(String interfaceName, BpfProgram program, XdpMode mode) {
        Attachments.requireType(program, "XDP hook", ProgramType.XDP);
        if (!Features.hasBpfLink()) {
            return Links.xdpNetlink(interfaceName, program, mode);
        }
        int ifindex = Interfaces.index(interfaceName);
        String description = "XDP" + (mode == XdpMode.DEFAULT ? "" : " (" + mode + ")") + " on " + interfaceName
                + " <- " + Attachments.describe(program);
        long r = FdLink.create(program, ifindex, AttachType.XDP, mode.flags, null);
        if (r < 0) {
            int errno = (int) -r;
            if (errno == Errno.EOPNOTSUPP) {
                throw new NotSupportedException("XDP " + mode, "attach " + description + ": the driver of "
                        + interfaceName + " does not support " + mode + " mode XDP (EOPNOTSUPP); use XdpMode.GENERIC",
                        errno);
            }
            if (errno == Errno.EBUSY || errno == Errno.EEXIST) {
                throw new BpfException("attach " + description + ": " + Errno.describe(errno) + " (" + interfaceName
                        + " already has an XDP program, e.g. attached with `ip link`; remove it with"
                        + " `ip link set dev " + interfaceName + " xdp off`)", errno);
            }
        }
        return Attachments.linkOrThrow(r, description, program, "XDP");
    }
}
