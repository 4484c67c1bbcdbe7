package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.ProgramType;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.LinkCreateAttr;

/** Netfilter hooks (Linux 6.4+). */
final class Netfilter {
    private Netfilter() {}

    static BpfLink netfilter(BpfProgram program, NetfilterOptions options) {
        Attachments.requireType(program, "netfilter hook", ProgramType.NETFILTER);
        String description = "netfilter " + (options.protocolFamily() == NetfilterOptions.IPV4 ? "IPv4" : "IPv6")
                + " hook " + options.hook() + " priority " + options.priority() + " <- "
                + Attachments.describe(program);
        long r = FdLink.create(program, 0, AttachType.NETFILTER, 0, a -> {
            a.putInt(LinkCreateAttr.Netfilter.PF, options.protocolFamily());
            a.putInt(LinkCreateAttr.Netfilter.HOOKNUM, options.hook());
            a.putInt(LinkCreateAttr.Netfilter.PRIORITY, options.priority());
            a.putInt(LinkCreateAttr.Netfilter.FLAGS, options.flags());
        });
        if (r == -Errno.EBUSY) {
            throw new BpfException("attach " + description + ": another program already uses priority "
                    + options.priority() + " on this hook", Errno.EBUSY);
        }
        return Attachments.linkOrThrow(r, description, program, "netfilter");
    }
}
