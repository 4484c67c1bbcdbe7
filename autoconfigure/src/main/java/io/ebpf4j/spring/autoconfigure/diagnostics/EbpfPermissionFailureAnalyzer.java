package io.ebpf4j.spring.autoconfigure.diagnostics;

import io.ebpf4j.BpfPermissionException;
import io.ebpf4j.spring.EbpfCollectionException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Explains a kernel refusal for lack of privilege: which capability, and how to grant it on a host, in a container
 * and in Kubernetes.
 */
class EbpfPermissionFailureAnalyzer extends AbstractFailureAnalyzer<BpfPermissionException> {
    private static final String NL = System.lineSeparator();

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BpfPermissionException cause) {
        EbpfCollectionException context = Failures.find(rootFailure, EbpfCollectionException.class);
        List<String> capabilities = Arrays.stream(cause.capability().split("\\+")).map(String::trim)
                .filter(c -> !c.isEmpty()).toList();
        String bare = capabilities.stream().map(c -> c.startsWith("CAP_") ? c.substring(4) : c)
                .collect(Collectors.joining(", "));
        String description = Failures.where(context) + " needs " + String.join(" and ", capabilities)
                + ", which this process lacks." + NL + NL + cause.getMessage();
        String action = "Grant " + String.join(" and ", capabilities) + " to the JVM (root has every capability):" + NL
                + "    - on a host: run as root, or `sudo setcap " + capabilities.stream()
                .map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.joining(",")) + "+ep \"$(readlink -f"
                + " \"$(command -v java)\")\"`" + NL
                + "    - with Docker: `docker run " + capabilities.stream().map(c -> "--cap-add "
                + (c.startsWith("CAP_") ? c.substring(4) : c)).collect(Collectors.joining(" ")) + " ...`" + NL
                + "    - in Kubernetes: securityContext: { capabilities: { add: [" + bare + "] } } on the container"
                + NL
                + "The kernel names the first capability it misses: tracing programs (tracepoints, kprobes, perf"
                + " events) also need CAP_PERFMON, and network hooks (XDP, TCX, cgroup) CAP_NET_ADMIN to attach."
                + " Kernels before 5.8 know neither CAP_BPF nor CAP_PERFMON: grant CAP_SYS_ADMIN (SYS_ADMIN) there."
                + " Unprivileged BPF is off on most distributions (kernel.unprivileged_bpf_disabled), so a plain user"
                + " always needs these capabilities."
                + Failures.toleration(context);
        return new FailureAnalysis(description, action, cause);
    }
}
