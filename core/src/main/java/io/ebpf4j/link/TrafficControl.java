package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.ProgramType;

/** Traffic control hooks: TCX links (Linux 6.6+) and cls_bpf filters of a clsact qdisc (ClsactLink). */
final class TrafficControl {
    private TrafficControl() {}

    static BpfLink clsact(String interfaceName, AttachType direction, BpfProgram program, int priority) {
        requireDirection(direction);
        if (priority < 0 || priority > 0xFFFF) {
            throw new IllegalArgumentException("a clsact filter priority is 1-65535 (0: the kernel chooses), not "
                    + priority);
        }
        Attachments.requireType(program, "TC hook", ProgramType.SCHED_CLS);
        return new ClsactLink(interfaceName, direction, program, priority);
    }

    static void requireDirection(AttachType direction) {
        if (direction != AttachType.TCX_INGRESS && direction != AttachType.TCX_EGRESS) {
            throw new IllegalArgumentException("TC programs attach at TCX_INGRESS or TCX_EGRESS, not " + direction);
        }
    }

    static BpfLink tcx(String interfaceName, AttachType direction, BpfProgram program) {
        requireDirection(direction);
        Attachments.requireType(program, "TCX hook", ProgramType.SCHED_CLS);
        int ifindex = Interfaces.index(interfaceName);
        String description = direction + " on " + interfaceName + " <- " + Attachments.describe(program);
        long r = FdLink.create(program, ifindex, direction, 0, null);
        return Attachments.linkOrThrow(r, description, program, "TCX");
    }
}
