package io.ebpf4j.btf;

import io.ebpf4j.BpfException;

import java.util.Arrays;

/** The kernel rejected a BTF blob in {@code BPF_BTF_LOAD}; {@link #log()} holds its BTF verifier log. */
public class BtfLoadException extends BpfException {
    private static final long serialVersionUID = 1L;

    private final String log;

    public BtfLoadException(String message, int errno, String log) {
        super(log.isBlank() ? message : message + "\nkernel BTF log:\n" + tail(log), errno);
        this.log = log;
    }

    /** The complete log (empty when the kernel printed nothing). */
    public String log() {
        return log;
    }

    /** The last lines of the log, where the kernel names the offending type. */
    private static String tail(String log) {
        String[] lines = log.strip().split("\n");
        int from = Math.max(0, lines.length - 20);
        return String.join("\n", Arrays.copyOfRange(lines, from, lines.length));
    }
}
