package io.ebpf4j.spring.autoconfigure.diagnostics;

import io.ebpf4j.BpfException;
import io.ebpf4j.spring.EbpfCollectionException;
import io.ebpf4j.spring.EbpfCollectionException.Stage;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains an object that is not a BPF ELF object (or whose ELF or BTF is malformed). */
class EbpfInvalidObjectFailureAnalyzer extends AbstractFailureAnalyzer<EbpfCollectionException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EbpfCollectionException cause) {
        if (cause.stage() != Stage.READ || !(cause.getCause() instanceof BpfException)) {
            return null;
        }
        return new FailureAnalysis("The object " + cause.object() + " of BPF collection '" + cause.collection()
                + "' is not a valid BPF ELF object: " + cause.getCause().getMessage(),
                "Point ebpf.collections." + cause.collection() + ".object at an object compiled for BPF, e.g. with"
                + " `clang -O2 -g -target bpf -c prog.bpf.c -o prog.bpf.o` (`file prog.bpf.o` shows 'ELF 64-bit LSB"
                + " relocatable, eBPF'). If the object is a resource, make sure Maven resource filtering does not"
                + " rewrite binary files.", cause);
    }
}
