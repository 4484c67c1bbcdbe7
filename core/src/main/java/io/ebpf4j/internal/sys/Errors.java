package io.ebpf4j.internal.sys;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfPermissionException;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.internal.Capabilities;
import io.ebpf4j.internal.KernelVersion;

import java.util.List;

/**
 * Turns an errno from a syscall into the exception it means: {@link io.ebpf4j.BpfPermissionException} naming the
 * capability for EPERM/EACCES, {@link io.ebpf4j.NotSupportedException} without bpf(2), {@link io.ebpf4j.BpfException}
 * otherwise, with a message that says what to do.
 */
public final class Errors {
    private Errors() {}

    /**
     * @param operation what was attempted, e.g. {@code "create map 'counts' (HASH)"}
     * @param errno the positive or negative errno
     * @param capabilities what the operation needs, e.g. {@code "CAP_BPF"} or {@code "CAP_BPF + CAP_PERFMON"}
     */
    public static BpfException of(String operation, int errno, String capabilities) {
        int e = Math.abs(errno);
        String message = operation + ": " + Errno.describe(e);
        if (e == Errno.EPERM || e == Errno.EACCES) {
            return permission(operation, e, capabilities);
        }
        if (e == Errno.ENOSYS) {
            return new NotSupportedException("bpf syscall",
                    message + " (this kernel has no bpf(2): CONFIG_BPF_SYSCALL is off)", e);
        }
        return new BpfException(message, e);
    }

    private static BpfPermissionException permission(String operation, int errno, String capabilities) {
        StringBuilder m = new StringBuilder(operation).append(": ").append(Errno.describe(errno)).append(". ");
        m.append("This needs ").append(capabilities).append(" (CAP_SYS_ADMIN or root also works)");
        List<String> missing = Capabilities.missing(capabilities);
        if (!missing.isEmpty()) {
            m.append("; this process lacks ").append(String.join(" and ", missing))
                    .append(". Run as root, or grant them: `setcap` on the binary, `docker run --cap-add ")
                    .append(String.join(" --cap-add ", missing.stream().map(c -> c.substring(4)).toList()))
                    .append("`, or Kubernetes securityContext.capabilities.add");
        } else if (errno == Errno.EPERM) {
            m.append("; the process has these capabilities, so the kernel refused for another reason "
                    + "(lockdown, an LSM, or a program or attach type this kernel does not allow)");
        }
        if (!KernelVersion.current().atLeast(5, 11) && operation.startsWith("create map")) {
            m.append(". Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK: raise it (ulimit -l)");
        }
        return new BpfPermissionException(m.toString(), capabilities, errno);
    }
}
