package io.ebpf4j.spring.autoconfigure.diagnostics;

import io.ebpf4j.spring.EbpfObjectNotFoundException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a collection whose object resource does not exist. */
class EbpfObjectNotFoundFailureAnalyzer extends AbstractFailureAnalyzer<EbpfObjectNotFoundException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EbpfObjectNotFoundException cause) {
        String property = "ebpf.collections." + cause.collection() + ".object";
        StringBuilder action = new StringBuilder("Correct ").append(property).append(". A 'classpath:' object must be"
                + " packaged with the application (e.g. under src/main/resources); a 'file:' object must exist on"
                + " this machine.");
        if (!cause.candidates().isEmpty()) {
            action.append(" Objects in the same class path directory: ").append(String.join(", ",
                    cause.candidates())).append('.');
        }
        return new FailureAnalysis("The BPF object of collection '" + cause.collection() + "', " + cause.object()
                + ", does not exist.", action.toString(), cause);
    }
}
