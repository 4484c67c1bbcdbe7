package io.ebpf4j.spring.autoconfigure.diagnostics;

import io.ebpf4j.BpfPermissionException;
import io.ebpf4j.BtfFormatException;
import io.ebpf4j.ElfFormatException;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.VerifierException;
import io.ebpf4j.spring.EbpfAttachTargetException;
import io.ebpf4j.spring.EbpfCollectionException;
import io.ebpf4j.spring.EbpfConfigurationException;
import io.ebpf4j.spring.EbpfObjectNotFoundException;

import java.util.List;

/** What the failure analyzers share: where in the chain a failure is, and how its collection is named. */
final class Failures {
    private static final List<Class<? extends Throwable>> SPECIFIC = List.of(EbpfObjectNotFoundException.class,
            EbpfConfigurationException.class, EbpfAttachTargetException.class, ElfFormatException.class,
            BtfFormatException.class, VerifierException.class, BpfPermissionException.class,
            NotSupportedException.class);

    private Failures() {}

    /** The first throwable of {@code type} in the cause chain, or {@code null}. */
    static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** Whether one of the specific analyzers explains this failure, so the general one must stay silent. */
    static boolean hasSpecificAnalysis(Throwable failure) {
        return SPECIFIC.stream().anyMatch(type -> find(failure, type) != null);
    }

    /** "BPF collection 'x' (class path resource [bpf/x.bpf.o])", or a neutral phrase outside a collection. */
    static String collection(EbpfCollectionException context) {
        if (context == null || context.collection() == null) {
            return "ebpf4j";
        }
        return "BPF collection '" + context.collection() + "' (" + context.object() + ")";
    }

    /** {@link #collection} followed by the program at fault, if any. */
    static String where(EbpfCollectionException context) {
        return collection(context) + (context == null || context.program() == null ? ""
                : ", program '" + context.program() + "'");
    }

    /** How to let the application start without the failing part, the last resort of every action. */
    static String toleration(EbpfCollectionException context) {
        if (context == null || context.collection() == null) {
            return "";
        }
        String prefix = "ebpf.collections." + context.collection();
        return System.lineSeparator() + System.lineSeparator() + "To start without it, set " + prefix
                + ".failure-mode=warn" + (context.program() == null ? ""
                : " or " + prefix + ".programs." + context.program() + ".required=false")
                + ": the failure is then reported by the ebpf health indicator and endpoint.";
    }
}
