package io.ebpf4j.spring.autoconfigure.diagnostics;

import io.ebpf4j.NotSupportedException;
import io.ebpf4j.features.Features;
import io.ebpf4j.spring.EbpfCollectionException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a hook, program type or map type the running kernel does not support. */
class EbpfNotSupportedFailureAnalyzer extends AbstractFailureAnalyzer<NotSupportedException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, NotSupportedException cause) {
        EbpfCollectionException context = Failures.find(rootFailure, EbpfCollectionException.class);
        String description = Failures.where(context) + " needs " + cause.feature() + ", which this kernel ("
                + Features.kernelRelease() + ") does not support: " + cause.getMessage();
        String action = "Run on a kernel that supports " + cause.feature() + ", or use a hook this kernel has"
                + " (tracepoints and tp_btf programs work where kprobes or fentry do not, for instance)."
                + Failures.toleration(context);
        return new FailureAnalysis(description, action, cause);
    }
}
