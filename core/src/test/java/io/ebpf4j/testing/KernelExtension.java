package io.ebpf4j.testing;

import io.ebpf4j.MapType;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramType;
import io.ebpf4j.features.Features;
import io.ebpf4j.internal.KernelVersion;
import io.ebpf4j.internal.Mounts;
import io.ebpf4j.internal.Os;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The condition behind {@link RequiresKernel}. */
public final class KernelExtension implements ExecutionCondition {
    /** Prefix of a skip reason that is not a probed missing feature (e.g. not root): CI fails a root run on it. */
    public static final String SKIP_PREFIX = "kernel:";

    /**
     * Prefix of a skip because a probe found the kernel lacks a feature: {@code kernel lacks <feature>: <probe's
     * answer>}, repeated with {@code ; } for several. CI accepts these and lists them per feature.
     */
    public static final String MISSING_PREFIX = "kernel lacks ";

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
        Set<String> missing = new LinkedHashSet<>();
        for (RequiresKernel requirement : annotations) {
            for (MapType type : requirement.mapTypes()) {
                probe(() -> Features.requireMapType(type)).ifPresent(missing::add);
            }
            for (ProgramType type : requirement.programTypes()) {
                probe(() -> Features.requireProgramType(type)).ifPresent(missing::add);
            }
            for (KernelFeature feature : requirement.features()) {
                probe(feature::require).ifPresent(missing::add);
            }
        }
        if (!missing.isEmpty()) {
            return ConditionEvaluationResult.disabled(String.join("; ", missing));
        }
        return ConditionEvaluationResult.enabled("running as root on " + KernelVersion.current());
    }

    /**
     * Skips the running test unless the kernel has {@code features}: for tests that learn what they need only
     * while running. Outside a test, throws the probe's {@link NotSupportedException}.
     */
    public static void assume(KernelFeature... features) {
        List<String> missing = new ArrayList<>();
        for (KernelFeature feature : features) {
            probe(feature::require).ifPresent(missing::add);
        }
        Assumptions.assumeTrue(missing.isEmpty(), () -> String.join("; ", missing));
    }

    /**
     * Skips the rest of the running test when the kernel reported nothing about a perf_event link's target: kernels
     * before 6.6 do not describe perf_event links in their link info. Everything asserted before still counts.
     */
    public static void assumePerfLinkInfo(io.ebpf4j.link.LinkInfo info) {
        Assumptions.assumeFalse(info.type() == io.ebpf4j.link.LinkType.PERF_EVENT
                && info.target() instanceof io.ebpf4j.link.LinkInfo.Unknown, () -> MISSING_PREFIX
                + "perf_event link info: this kernel describes no target for perf_event links (Linux 6.6 added it)");
    }

    /** Empty when the requirement holds, otherwise the skip reason naming the missing feature. */
    private static Optional<String> probe(Runnable requirement) {
        try {
            requirement.run();
            return Optional.empty();
        } catch (NotSupportedException e) {
            return Optional.of(MISSING_PREFIX + e.feature() + ": " + e.getMessage());
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
