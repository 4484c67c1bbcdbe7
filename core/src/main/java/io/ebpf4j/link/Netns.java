package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.ProgramType;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.LibC;

import java.nio.file.Path;

/** Network namespace hooks: sk_lookup and flow dissector programs. */
final class Netns {
    private Netns() {}

    static BpfLink netns(Path namespace, BpfProgram program) {
        Attachments.requireType(program, "network namespace hook", ProgramType.SK_LOOKUP, ProgramType.FLOW_DISSECTOR);
        AttachType type = program.type() == ProgramType.SK_LOOKUP ? AttachType.SK_LOOKUP : AttachType.FLOW_DISSECTOR;
        String description = "netns " + namespace + " " + type + " <- " + Attachments.describe(program);
        Fd file = Attachments.open(namespace, LibC.O_RDONLY | LibC.O_CLOEXEC, "network namespace file");
        long r;
        try {
            r = Attachments.create(program, file, type);
        } finally {
            file.close(); // the link holds the namespace
        }
        if (r == -Errno.EINVAL) {
            throw new BpfException("attach " + description + ": " + Errno.describe(Errno.EINVAL) + " (is "
                    + namespace + " a network namespace file, like /proc/self/ns/net?)", Errno.EINVAL);
        }
        return Attachments.linkOrThrow(r, description, program, "netns " + type);
    }
}
