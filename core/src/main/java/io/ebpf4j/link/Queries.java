package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.ProgQueryAttr;
import io.ebpf4j.internal.sys.Scratch;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What is attached: every link in the kernel, and the programs attached to a cgroup, namespace or interface. */
final class Queries {
    private Queries() {}

    static List<LinkInfo> all() {
        List<LinkInfo> links = new ArrayList<>();
        int id = 0;
        for (;;) {
            long next = Bpf.nextId(Bpf.LINK_GET_NEXT_ID, id);
            if (next == -Errno.ENOENT) {
                return links;
            }
            if (next < 0) {
                throw Errors.of("list links", (int) -next, "CAP_SYS_ADMIN");
            }
            id = (int) next;
            int raw = Bpf.fdById(Bpf.LINK_GET_FD_BY_ID, id, 0);
            if (raw == -Errno.ENOENT) {
                continue; // released since it was listed
            }
            if (raw < 0) {
                throw Errors.of("open link id " + id, -raw, "CAP_SYS_ADMIN");
            }
            Fd fd = Fd.own(raw, "link id " + id);
            try {
                links.add(LinkInfo.read(raw));
            } finally {
                fd.close();
            }
        }
    }

    static List<AttachedProgram> query(Path target, AttachType type) {
        Fd file = Attachments.open(target, LibC.O_RDONLY | LibC.O_CLOEXEC, "query target");
        try {
            int raw = file.acquire();
            try {
                return query(raw, type, target.toString());
            } finally {
                file.release();
            }
        } finally {
            file.close();
        }
    }

    static List<AttachedProgram> query(int target, AttachType type, String what) {
        int capacity = 64;
        boolean perProgram = true;
        for (;;) {
            NativeBuffer programIds = new NativeBuffer(Integer.BYTES * capacity);
            NativeBuffer programFlags = new NativeBuffer(Integer.BYTES * capacity);
            NativeBuffer linkIds = new NativeBuffer(Integer.BYTES * capacity);
            NativeBuffer attr = Bpf.attr(Scratch.get(), ProgQueryAttr.BYTES);
            ByteBuffer a = attr.buffer();
            a.putInt(ProgQueryAttr.TARGET_FD, target);
            a.putInt(ProgQueryAttr.ATTACH_TYPE, type.value());
            a.putLong(ProgQueryAttr.PROG_IDS, programIds.address());
            a.putInt(ProgQueryAttr.PROG_CNT, capacity);
            if (perProgram) {
                a.putLong(ProgQueryAttr.PROG_ATTACH_FLAGS, programFlags.address());
                a.putLong(ProgQueryAttr.LINK_IDS, linkIds.address());
            }
            long r = Bpf.call(Bpf.PROG_QUERY, attr, ProgQueryAttr.BYTES);
            int count = a.getInt(ProgQueryAttr.PROG_CNT);
            if (r == -Errno.ENOSPC && count > capacity) {
                capacity = count;
                continue;
            }
            if (r == -Errno.EINVAL && perProgram) {
                perProgram = false; // kernels before 6.6 know neither per-program flags nor link ids
                continue;
            }
            if (r < 0) {
                throw Errors.of("query programs attached to " + what + " for " + type, (int) -r,
                        "CAP_NET_ADMIN");
            }
            int sharedFlags = a.getInt(ProgQueryAttr.ATTACH_FLAGS);
            List<AttachedProgram> programs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int at = Integer.BYTES * i;
                int flags = perProgram ? programFlags.buffer().getInt(at) : 0;
                programs.add(new AttachedProgram(programIds.buffer().getInt(at),
                        perProgram ? linkIds.buffer().getInt(at) : 0, flags != 0 ? flags : sharedFlags));
            }
            return programs;
        }
    }
}
