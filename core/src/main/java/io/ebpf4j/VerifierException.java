package io.ebpf4j;

import io.ebpf4j.internal.sys.Errno;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The kernel's verifier rejected a program. {@link #log()} is the whole verifier log; the message carries its
 * useful tail: the source line and instruction the verifier stopped at and its complaint.
 */
public class VerifierException extends BpfException {
    private static final long serialVersionUID = 1L;
    private static final Pattern INSTRUCTION = Pattern.compile("^\\d+: \\(\\p{XDigit}{2}\\).*");
    private static final Pattern STATS = Pattern.compile(
            "^(processed \\d+ insns|verification time|stack depth|mark_precise|max_states_per_insn).*");

    private final String program;
    private final String log;
    private final boolean truncated;

    public VerifierException(String program, int errno, String log, boolean truncated) {
        super(summary(program, errno, log, truncated), errno);
        this.program = program;
        this.log = log;
        this.truncated = truncated;
    }

    /** Name of the rejected program. */
    public String program() {
        return program;
    }

    /** The complete verifier log. */
    public String log() {
        return log;
    }

    /** Whether the log did not fit in the largest buffer ebpf4j tried. */
    public boolean truncated() {
        return truncated;
    }

    /** The last instruction the verifier printed, e.g. {@code 3: (85) call bpf_unknown#999}, or {@code null}. */
    public String failingInstruction() {
        String found = null;
        for (String line : log.split("\n")) {
            if (INSTRUCTION.matcher(line).matches()) {
                found = line;
            }
        }
        return found;
    }

    /** The lines worth printing: from the source line before the last instruction to the verifier's complaint. */
    public static List<String> tail(String log) {
        List<String> lines = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (!line.isBlank() && !STATS.matcher(line).matches()) {
                lines.add(line);
            }
        }
        int last = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (INSTRUCTION.matcher(lines.get(i)).matches()) {
                last = i;
            }
        }
        int from;
        if (last < 0) {
            from = Math.max(0, lines.size() - 3);
        } else {
            from = last;
            // Include the instruction before, and a "; source line" annotation in front of either.
            if (from > 0 && INSTRUCTION.matcher(lines.get(from - 1)).matches()) {
                from--;
            }
            if (from > 0 && lines.get(from - 1).startsWith(";")) {
                from--;
            }
        }
        int to = Math.min(lines.size(), Math.max(from + 1, last + 6));
        return lines.subList(from, to);
    }

    private static String summary(String program, int errno, String log, boolean truncated) {
        StringBuilder message = new StringBuilder("verifier rejected program '").append(program).append("' (")
                .append(Errno.describe(errno)).append(')');
        if (log == null || log.isBlank()) {
            message.append(": the verifier log is empty");
            return message.toString();
        }
        message.append(':');
        for (String line : tail(log)) {
            message.append("\n    ").append(line);
        }
        if (truncated) {
            message.append("\n    (log truncated)");
        }
        return message.toString();
    }
}
