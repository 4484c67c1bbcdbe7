package io.ebpf4j.spring.autoconfigure.diagnostics;

import io.ebpf4j.VerifierException;
import io.ebpf4j.spring.EbpfCollectionException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import java.util.List;

/**
 * Explains a program the kernel's verifier rejected: which program, the instruction it stopped at, the source line
 * (from the object's BTF line info) and the end of its log.
 */
class EbpfVerifierFailureAnalyzer extends AbstractFailureAnalyzer<VerifierException> {
    private static final String NL = System.lineSeparator();

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, VerifierException cause) {
        EbpfCollectionException context = Failures.find(rootFailure, EbpfCollectionException.class);
        List<String> tail = VerifierException.tail(cause.log());
        StringBuilder description = new StringBuilder("The kernel's verifier rejected program '")
                .append(cause.program()).append("' of ").append(Failures.collection(context)).append('.');
        String instruction = cause.failingInstruction();
        if (instruction != null) {
            description.append(NL).append(NL).append("Failing instruction: ").append(instruction);
        }
        String source = sourceLine(tail);
        if (source != null) {
            description.append(NL).append("Source line:         ").append(source);
        }
        if (!tail.isEmpty()) {
            description.append(NL).append(NL).append("End of the verifier log:");
            for (String line : tail) {
                description.append(NL).append("    ").append(line);
            }
        } else {
            description.append(NL).append("The verifier log is empty (").append(cause.errnoName()).append(").");
        }
        String action = "Change program '" + cause.program() + "' where the verifier stopped. Common causes: a map"
                + " lookup result used without a NULL check, packet or context access without a bounds check, a"
                + " loop the verifier cannot bound, a helper this program type may not call. The whole log is"
                + " logged at debug level (logging.level.io.ebpf4j.spring=debug)."
                + Failures.toleration(context);
        return new FailureAnalysis(description.toString(), action, cause);
    }

    /** The last "; <source> @ file.c:line" annotation the verifier printed before it stopped. */
    private static String sourceLine(List<String> tail) {
        String found = null;
        for (String line : tail) {
            if (line.startsWith(";")) {
                found = line.substring(1).trim();
            }
        }
        return found;
    }
}
