package io.ebpf4j;

/** The kernel refused an operation for lack of privilege; {@link #capability()} names what to grant. */
public class BpfPermissionException extends BpfException {
    private static final long serialVersionUID = 1L;

    private final String capability;

    public BpfPermissionException(String message, String capability, int errno) {
        super(message, errno);
        this.capability = capability;
    }

    /** The capability (or capabilities, joined by " + ") the operation needs, e.g. {@code CAP_BPF + CAP_PERFMON}. */
    public String capability() {
        return capability;
    }
}
