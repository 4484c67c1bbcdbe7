package io.ebpf4j.spring.autoconfigure.diagnostics;

import io.ebpf4j.spring.autoconfigure.EbpfAutoConfiguration;
import io.ebpf4j.testing.RequiresKernel;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** Failure analyses of failures the real kernel produces. */
@RequiresKernel
class EbpfKernelFailureAnalyzersTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EbpfAutoConfiguration.class));

    @Test
    void verifierRejection() {
        runner.withPropertyValues("ebpf.collections.rejected.object=classpath:bpf/rejected.bpf.o").run(context -> {
            FailureAnalysis analysis = new EbpfVerifierFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription())
                    .startsWith("The kernel's verifier rejected program 'unchecked_lookup' of BPF collection"
                            + " 'rejected' (class path resource [bpf/rejected.bpf.o]).")
                    .containsPattern("Failing instruction: \\d+: \\(\\p{XDigit}{2}\\) ")
                    .contains("Source line:         *count += 1;")
                    .contains("map_value_or_null");
        });
    }

    @Test
    void missingTracepoint() {
        runner.withPropertyValues("ebpf.collections.hooks.object=classpath:bpf/two_hooks.bpf.o").run(context -> {
            FailureAnalysis analysis = new EbpfAttachTargetFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).startsWith("Program 'missing_hook' of BPF collection 'hooks'"
                    + " (class path resource [bpf/two_hooks.bpf.o]) cannot be attached to tracepoint (target"
                    + " 'ebpf4j_test/no_such_event'):").contains("available_events");
            assertThat(analysis.getAction()).startsWith("Set ebpf.collections.hooks.programs.missing_hook.tracepoint");
        });
    }
}
