package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.Tcmsg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@code SCHED_CLS} program attached the way before TCX (Linux 6.6): a {@code cls_bpf} filter in direct-action
 * mode on the ingress or egress side of a {@code clsact} qdisc, as {@code tc filter add dev X ingress bpf da} does.
 * The qdisc is created when missing and left in place on close, since other filters may hang on it (as libbpf's
 * {@code bpf_tc_attach} leaves it to {@code bpf_tc_hook_destroy}). The filter's priority is the caller's, or the
 * kernel's choice when 0; its handle is 1 (the kernel's choice with a kernel-chosen priority). Update replaces the
 * filter in place.
 */
final class ClsactLink extends NetlinkLink {
    private static final int TCA_KIND = 1;
    private static final int TCA_OPTIONS = 2;
    private static final int TCA_BPF_FD = 6;
    private static final int TCA_BPF_NAME = 7;
    private static final int TCA_BPF_FLAGS = 8;
    private static final int TCA_BPF_FLAG_ACT_DIRECT = 1;
    private static final int TC_H_CLSACT = 0xFFFF_FFF1;
    private static final int TC_H_MIN_INGRESS = 0xFFF2;
    private static final int TC_H_MIN_EGRESS = 0xFFF3;
    private static final int ETH_P_ALL = 0x0003;

    private final AttachType direction;
    private int priority;
    private int handle;

    ClsactLink(String interfaceName, AttachType direction, BpfProgram program, int priority) {
        super("clsact " + (direction == AttachType.TCX_INGRESS ? "ingress" : "egress"), interfaceName, program);
        this.direction = direction;
        this.priority = priority;
        // Handle 1 at a given priority, as libbpf's bpf_tc_attach: a second filter there is then refused (EEXIST)
        // instead of being added beside the first under a handle the kernel picks.
        this.handle = priority == 0 ? 0 : 1;
        attachFirst(program.name());
    }

    @Override
    int attach(int program, String name, Fd previous) {
        if (previous == null) {
            int r = netlink.request(header(new Rtnetlink.Message(Rtnetlink.RTM_NEWQDISC,
                    Rtnetlink.NLM_F_CREATE | Rtnetlink.NLM_F_EXCL), 0xFFFF_0000, TC_H_CLSACT, 0)
                    .attribute(TCA_KIND, "clsact"));
            if (r < 0 && r != -Errno.EEXIST) {
                return r;
            }
        }
        int flags = previous == null ? Rtnetlink.NLM_F_CREATE | Rtnetlink.NLM_F_EXCL | Rtnetlink.NLM_F_ECHO
                : Rtnetlink.NLM_F_CREATE | Rtnetlink.NLM_F_REPLACE;
        int r = netlink.request(filter(new Rtnetlink.Message(Rtnetlink.RTM_NEWTFILTER, flags))
                .begin(TCA_OPTIONS).attribute(TCA_BPF_FD, program).attribute(TCA_BPF_NAME, name)
                .attribute(TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT).end());
        if (r == 0 && previous == null && netlink.lastEcho() != null) {
            // The kernel chose what we left at 0: remember it to replace and delete exactly this filter.
            ByteBuffer echo = ByteBuffer.wrap(netlink.lastEcho()).order(ByteOrder.nativeOrder());
            handle = echo.getInt(Tcmsg.TCM_HANDLE);
            priority = echo.getInt(Tcmsg.TCM_INFO) >>> 16;
        }
        return r;
    }

    @Override
    int remove(Fd attached) {
        return netlink.request(filter(new Rtnetlink.Message(Rtnetlink.RTM_DELTFILTER, 0)));
    }

    /** A filter message for this link's filter: its parent, handle, priority and protocol, kind "bpf". */
    private Rtnetlink.Message filter(Rtnetlink.Message message) {
        int minor = direction == AttachType.TCX_INGRESS ? TC_H_MIN_INGRESS : TC_H_MIN_EGRESS;
        int protocol = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Short.reverseBytes((short) ETH_P_ALL)
                & 0xFFFF : ETH_P_ALL; // htons
        return header(message, handle, (TC_H_CLSACT & 0xFFFF_0000) | minor, priority << 16 | protocol)
                .attribute(TCA_KIND, "bpf");
    }

    private Rtnetlink.Message header(Rtnetlink.Message message, int tcHandle, int parent, int info) {
        return message.familyHeader(Tcmsg.BYTES, h -> h.putInt(Tcmsg.TCM_IFINDEX, ifindex)
                .putInt(Tcmsg.TCM_HANDLE, tcHandle).putInt(Tcmsg.TCM_PARENT, parent).putInt(Tcmsg.TCM_INFO, info));
    }

    @Override
    BpfException attachError(int errno, String explanation) {
        String what = "attach " + description() + explain(explanation);
        if (errno == Errno.EEXIST) {
            return new BpfException(what + ": a filter with priority " + priority + " is already attached there;"
                    + " choose another priority, or 0 to let the kernel pick one", errno);
        }
        if (errno == Errno.ENOENT || errno == Errno.EOPNOTSUPP) {
            return new BpfException(what + ": " + Errno.describe(errno) + " (does this kernel have the clsact"
                    + " qdisc and the cls_bpf classifier, CONFIG_NET_SCH_INGRESS and CONFIG_NET_CLS_BPF?)", errno);
        }
        return Errors.of(what, errno, "CAP_NET_ADMIN");
    }
}
