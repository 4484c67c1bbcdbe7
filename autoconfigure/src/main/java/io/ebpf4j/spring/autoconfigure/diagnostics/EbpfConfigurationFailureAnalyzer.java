package io.ebpf4j.spring.autoconfigure.diagnostics;

import io.ebpf4j.spring.EbpfConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains {@code ebpf.*} settings that do not fit the object (unknown names, values that do not fit). */
class EbpfConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<EbpfConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EbpfConfigurationException cause) {
        String action = "Update " + cause.property() + "." + (cause.candidates().isEmpty() ? ""
                : " Valid names: " + String.join(", ", cause.candidates()) + ".");
        return new FailureAnalysis(cause.getMessage(), action, cause);
    }
}
