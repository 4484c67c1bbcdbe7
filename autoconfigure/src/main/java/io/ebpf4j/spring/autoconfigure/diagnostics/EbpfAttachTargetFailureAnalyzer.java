package io.ebpf4j.spring.autoconfigure.diagnostics;

import io.ebpf4j.spring.EbpfAttachTargetException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a program whose attach target is missing from configuration or does not exist. */
class EbpfAttachTargetFailureAnalyzer extends AbstractFailureAnalyzer<EbpfAttachTargetException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EbpfAttachTargetException cause) {
        String target = cause.target() == null ? "no target" : "target '" + cause.target() + "'";
        String description = "Program '" + cause.program() + "' of " + Failures.collection(cause)
                + " cannot be attached to " + cause.hook() + " (" + target + "): " + cause.getMessage();
        String action = "Set " + cause.property() + " to a " + cause.hook() + " target that exists on this machine,"
                + " set ebpf.collections." + cause.collection() + ".programs." + cause.program() + ".attach to"
                + " another hook, or to 'none' to load the program without attaching it."
                + Failures.toleration(cause);
        return new FailureAnalysis(description, action, cause);
    }
}
