package io.ebpf4j.spring.autoconfigure.diagnostics;

import io.ebpf4j.spring.EbpfCollectionException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains the collection failures no more specific analyzer covers, with their context. */
class EbpfCollectionFailureAnalyzer extends AbstractFailureAnalyzer<EbpfCollectionException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EbpfCollectionException cause) {
        if (Failures.hasSpecificAnalysis(rootFailure)) {
            return null;
        }
        String verb = switch (cause.stage()) {
            case READ -> "read";
            case CONFIGURE -> "configure";
            case LOAD -> "load";
            case ATTACH -> "attach";
        };
        return new FailureAnalysis("Could not " + verb + " " + Failures.where(cause) + ": " + cause.getMessage(),
                "Fix the cause above." + Failures.toleration(cause), cause);
    }
}
