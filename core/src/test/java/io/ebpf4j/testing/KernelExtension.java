package io.ebpf4j.testing;

import io.ebpf4j.MapType;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramType;
import io.ebpf4j.features.Features;
import io.ebpf4j.internal.Mounts;
import io.ebpf4j.internal.Os;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The condition behind {@link RequiresKernel}. */
public final class KernelExtension implements ExecutionCondition {
    /** Prefix of every skip reason given by this extension. */
    public static final String SKIP_PREFIX = "kernel:";

    private static volatile boolean mounted;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (Os.uid() != 0) {
            return ConditionEvaluationResult.disabled(SKIP_PREFIX + " needs root to talk to the kernel (bpf(2) is "
                    + "not available to unprivileged users on this machine: kernel.unprivileged_bpf_disabled); "
                    + "run the tests as root");
        }
        ensureMounts();
        List<RequiresKernel> annotations = new ArrayList<>();
        context.getElement().flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresKernel.class))
                .ifPresent(annotations::add);
        context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, RequiresKernel.class))
                .filter(a -> !annotations.contains(a)).ifPresent(annotations::add);
        java.util.Set<String> missing = new java.util.LinkedHashSet<>();
        for (RequiresKernel requirement : annotations) {
            for (MapType type : requirement.mapTypes()) {
                probe(() -> Features.requireMapType(type)).ifPresent(missing::add);
            }
            for (ProgramType type : requirement.programTypes()) {
                probe(() -> Features.requireProgramType(type)).ifPresent(missing::add);
            }
            if (requirement.bpfLink()) {
                probe(Features::requireBpfLink).ifPresent(missing::add);
            }
            for (Hook hook : requirement.hooks()) {
                probe(hook::require).ifPresent(missing::add);
            }
        }
        if (!missing.isEmpty()) {
            return ConditionEvaluationResult.disabled(SKIP_PREFIX + " " + String.join("; ", missing));
        }
        return ConditionEvaluationResult.enabled("running as root on " + io.ebpf4j.internal.KernelVersion.current());
    }

    private static Optional<String> probe(Runnable requirement) {
        try {
            requirement.run();
            return Optional.empty();
        } catch (NotSupportedException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Mounts bpffs at /sys/fs/bpf and tracefs at /sys/kernel/tracing if they are not mounted yet. */
    public static synchronized void ensureMounts() {
        if (!mounted) {
            Mounts.mountIfMissing(Mounts.BPF, Mounts.BPFFS_DEFAULT);
            Mounts.mountIfMissing(Mounts.TRACEFS, Mounts.TRACEFS_DEFAULT);
            mounted = true;
        }
    }
}
