package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.ProgramType;
import io.ebpf4j.internal.sys.BpfIterLinkInfo;
import io.ebpf4j.internal.sys.Descriptors;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.LinkCreateAttr;
import io.ebpf4j.internal.sys.NativeBuffer;

import java.lang.ref.Reference;

/** BPF iterator links: task, map and other iterators, optionally over one map. */
final class Iterators {
    private Iterators() {}

    static IterLink attachIter(BpfProgram program, BpfMap map) {
        Attachments.requireType(program, "iterator", ProgramType.TRACING);
        Attachments.requireAttachType(program, "iterator", AttachType.TRACE_ITER);
        String description = "iterator" + (map == null ? "" : " over map '" + map.name() + "'") + " <- "
                + Attachments.describe(program);
        NativeBuffer info = new NativeBuffer(BpfIterLinkInfo.BYTES);
        long r;
        if (map == null) {
            r = FdLink.create(program, 0, AttachType.TRACE_ITER, 0, null);
        } else {
            int mapFd = Descriptors.of(map).acquire();
            try {
                info.buffer().putInt(BpfIterLinkInfo.MAP_FD, mapFd);
                r = FdLink.create(program, 0, AttachType.TRACE_ITER, 0, a -> {
                    a.putLong(LinkCreateAttr.ITER_INFO, info.address());
                    a.putInt(LinkCreateAttr.ITER_INFO_LEN, BpfIterLinkInfo.BYTES);
                });
            } finally {
                Descriptors.of(map).release();
            }
        }
        Reference.reachabilityFence(info);
        if (r < 0) {
            throw Attachments.attachError(description, (int) -r, program, "iterator");
        }
        return new IterFdLink(Fd.own((int) r, description), description);
    }
}
