package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.features.Features;
import io.ebpf4j.internal.Mounts;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.LibC;

import java.nio.file.Path;
import java.util.Objects;

/** Cgroup hooks: through a bpf_link, or BPF_PROG_ATTACH on kernels without one. */
final class Cgroups {
    private Cgroups() {}

    static BpfLink cgroup(Path cgroup, AttachType type, BpfProgram program) {
        Objects.requireNonNull(type, "type");
        String description = "cgroup " + cgroup + " " + type + " <- " + Attachments.describe(program);
        Fd directory = openCgroup(cgroup);
        if (!Features.hasBpfLink()) {
            return ProgAttachLink.attach(directory, type, ProgAttachLink.F_ALLOW_MULTI, program, description);
        }
        long r;
        try {
            r = Attachments.create(program, directory, type);
        } finally {
            directory.close(); // the link holds the cgroup
        }
        return Attachments.linkOrThrow(r, description, program, "cgroup " + type);
    }

    /** Opens a cgroup v2 directory, checking that it is one. */
    static Fd openCgroup(Path cgroup) {
        String fsType = Mounts.fsTypeOf(cgroup).orElse("no file system");
        if (!fsType.equals(Mounts.CGROUP2)) {
            throw new BpfException(cgroup + " is not in a cgroup v2 hierarchy (it is on " + fsType + "); cgroup v2 "
                    + Mounts.find(Mounts.CGROUP2).map(p -> "is mounted at " + p)
                    .orElse("is not mounted (`mount -t cgroup2 none /sys/fs/cgroup`)"));
        }
        return Attachments.open(cgroup, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, "cgroup directory");
    }
}
