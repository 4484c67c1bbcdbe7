package io.ebpf4j.spring.autoconfigure.diagnostics;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfPermissionException;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.VerifierException;
import io.ebpf4j.spring.EbpfAttachTargetException;
import io.ebpf4j.spring.EbpfCollectionException;
import io.ebpf4j.spring.EbpfCollectionException.Stage;
import io.ebpf4j.spring.autoconfigure.EbpfAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;

import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The message of each failure analyzer, for failures provoked through the auto-configuration where that needs no
 * kernel, and for exceptions as the kernel reports them otherwise (the kernel-made ones are in
 * {@link EbpfKernelFailureAnalyzersTest}).
 */
class EbpfFailureAnalyzersTest {
    private static final String OBJECT = "class path resource [bpf/counter.bpf.o]";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EbpfAutoConfiguration.class));

    @Test
    void analyzersAreRegisteredInSpringFactories() {
        // Some of Boot's own analyzers need a bean factory to be created: they are skipped here.
        List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation(getClass().getClassLoader())
                .load(FailureAnalyzer.class, null, SpringFactoriesLoader.FailureHandler.handleMessage((m, e) -> { }));
        assertThat(analyzers).extracting(a -> a.getClass().getSimpleName()).contains(
                "EbpfObjectNotFoundFailureAnalyzer", "EbpfInvalidObjectFailureAnalyzer",
                "EbpfVerifierFailureAnalyzer", "EbpfPermissionFailureAnalyzer", "EbpfNotSupportedFailureAnalyzer",
                "EbpfConfigurationFailureAnalyzer", "EbpfAttachTargetFailureAnalyzer",
                "EbpfCollectionFailureAnalyzer");
        Throwable permission = wrapped(new EbpfCollectionException("counter", OBJECT, null, Stage.LOAD, "denied",
                new BpfPermissionException("create map 'opens' (HASH): EPERM", "CAP_BPF", 1)));
        // Exactly one analyzer answers, whatever order Boot tries them in.
        assertThat(analyzers.stream().map(a -> a.analyze(permission)).filter(Objects::nonNull)).hasSize(1);
    }

    @Test
    void objectNotFoundNamesTheResourceAndTheObjectsNextToIt() {
        runner.withPropertyValues("ebpf.collections.counter.object=classpath:bpf/openat_countr.bpf.o").run(context -> {
            FailureAnalysis analysis = new EbpfObjectNotFoundFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).isEqualTo("The BPF object of collection 'counter', class path"
                    + " resource [bpf/openat_countr.bpf.o], does not exist.");
            assertThat(analysis.getAction()).contains("Correct ebpf.collections.counter.object")
                    .contains("classpath:bpf/openat_counter.bpf.o");
        });
    }

    @Test
    void notABpfObjectSaysHowToBuildOne() {
        runner.withPropertyValues("ebpf.collections.text.object=classpath:bpf/not-an-object.bpf.o").run(context -> {
            FailureAnalysis analysis = new EbpfInvalidObjectFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).startsWith("The object class path resource"
                    + " [bpf/not-an-object.bpf.o] of BPF collection 'text' is not a valid BPF ELF object: ");
            assertThat(analysis.getAction()).contains("clang -O2 -g -target bpf").contains("resource filtering");
            assertThat(new EbpfCollectionFailureAnalyzer().analyze(context.getStartupFailure())).isNull();
        });
    }

    @Test
    void unknownNamesListTheNamesThatExist() {
        runner.withPropertyValues("ebpf.collections.counter.object=classpath:bpf/openat_counter.bpf.o",
                        "ebpf.collections.counter.constants.target_tgid=self")
                .run(context -> {
                    FailureAnalysis analysis = new EbpfConfigurationFailureAnalyzer()
                            .analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).isEqualTo("BPF collection 'counter': class path resource"
                            + " [bpf/openat_counter.bpf.o] has no global variable 'target_tgid'; it has target_pid");
                    assertThat(analysis.getAction()).isEqualTo("Update ebpf.collections.counter.constants.target_tgid."
                            + " Valid names: target_pid.");
                });
    }

    @Test
    void aConstantThatDoesNotFitItsVariable() {
        runner.withPropertyValues("ebpf.collections.constants.object=classpath:bpf/constants.bpf.o",
                        "ebpf.collections.constants.constants.small=300")
                .run(context -> {
                    FailureAnalysis analysis = new EbpfConfigurationFailureAnalyzer()
                            .analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).contains("cannot set global variable 'small'")
                            .contains("to '300'").contains("300 does not fit variable 'small' (1 bytes, unsigned)");
                    assertThat(analysis.getAction()).isEqualTo("Update ebpf.collections.constants.constants.small.");
                });
    }

    @Test
    void missingPrivilegeNamesTheCapabilityAndHowToGrantIt() {
        FailureAnalysis analysis = new EbpfPermissionFailureAnalyzer().analyze(wrapped(
                new EbpfCollectionException("counter", OBJECT, null, Stage.LOAD, "load failed",
                        new BpfPermissionException("load program 'count' (TRACEPOINT): EPERM", "CAP_BPF + CAP_PERFMON",
                                1))));
        assertThat(analysis.getDescription()).startsWith("BPF collection 'counter' (" + OBJECT + ") needs CAP_BPF and"
                + " CAP_PERFMON, which this process lacks.").contains("load program 'count' (TRACEPOINT): EPERM");
        assertThat(analysis.getAction()).contains("setcap cap_bpf,cap_perfmon+ep")
                .contains("docker run --cap-add BPF --cap-add PERFMON")
                .contains("securityContext: { capabilities: { add: [BPF, PERFMON] } }")
                .contains("CAP_SYS_ADMIN").contains("ebpf.collections.counter.failure-mode=warn");
    }

    @Test
    void unsupportedHookNamesTheFeatureAndHowToStartWithoutIt() {
        FailureAnalysis analysis = new EbpfNotSupportedFailureAnalyzer().analyze(wrapped(
                new EbpfCollectionException("probes", OBJECT, "count_open", Stage.ATTACH, "attach failed",
                        new NotSupportedException("kprobe", "attach kprobe do_sys_openat2: no kprobe PMU"))));
        assertThat(analysis.getDescription()).startsWith("BPF collection 'probes' (" + OBJECT + "), program"
                + " 'count_open' needs kprobe, which this kernel (").contains("no kprobe PMU");
        assertThat(analysis.getAction()).contains("ebpf.collections.probes.failure-mode=warn")
                .contains("ebpf.collections.probes.programs.count_open.required=false");
    }

    @Test
    void verifierRejectionShowsInstructionSourceLineAndLogTail() {
        String log = "func#0 @0\n"
                + "0: R1=ctx() R10=fp0\n"
                + "; __u64 *count = bpf_map_lookup_elem(&counter, &zero); @ rejected.c:17\n"
                + "2: (18) r1 = 0xffff888100000000     ; R1_w=map_ptr(ks=4,vs=8)\n"
                + "4: (85) call bpf_map_lookup_elem#1  ; R0_w=map_value_or_null(id=1,ks=4,vs=8)\n"
                + "; *count += 1; @ rejected.c:19\n"
                + "5: (79) r1 = *(u64 *)(r0 +0)\n"
                + "R0 invalid mem access 'map_value_or_null'\n"
                + "processed 5 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0\n";
        FailureAnalysis analysis = new EbpfVerifierFailureAnalyzer().analyze(wrapped(
                new EbpfCollectionException("rejected", OBJECT, "unchecked_lookup", Stage.LOAD, "rejected",
                        new VerifierException("unchecked_lookup", 13, log, false))));
        assertThat(analysis.getDescription())
                .contains("The kernel's verifier rejected program 'unchecked_lookup' of BPF collection 'rejected'")
                .contains("Failing instruction: 5: (79) r1 = *(u64 *)(r0 +0)")
                .contains("Source line:         *count += 1; @ rejected.c:19")
                .contains("    R0 invalid mem access 'map_value_or_null'")
                .doesNotContain("processed 5 insns");
        assertThat(analysis.getAction()).contains("NULL check")
                .contains("ebpf.collections.rejected.failure-mode=warn");
    }

    @Test
    void badAttachTargetNamesTheProperty() {
        FailureAnalysis analysis = new EbpfAttachTargetFailureAnalyzer().analyze(wrapped(
                new EbpfAttachTargetException("net", OBJECT, "xdp_pass", "xdp", "eth9",
                        "ebpf.collections.net.programs.xdp_pass.interface",
                        "there is no network interface 'eth9' in this process's network namespace; it has eth0, lo",
                        null)));
        assertThat(analysis.getDescription()).isEqualTo("Program 'xdp_pass' of BPF collection 'net' (" + OBJECT
                + ") cannot be attached to xdp (target 'eth9'): BPF collection 'net', program 'xdp_pass': there is no"
                + " network interface 'eth9' in this process's network namespace; it has eth0, lo");
        assertThat(analysis.getAction()).startsWith("Set ebpf.collections.net.programs.xdp_pass.interface to a xdp"
                + " target that exists on this machine").contains("attach to another hook, or to 'none'");
    }

    @Test
    void otherFailuresKeepTheirCollectionContext() {
        FailureAnalysis analysis = new EbpfCollectionFailureAnalyzer().analyze(wrapped(
                new EbpfCollectionException("counter", OBJECT, null, Stage.LOAD, "create map 'opens': E2BIG",
                        new BpfException("create map 'opens': E2BIG", 7))));
        assertThat(analysis.getDescription()).isEqualTo("Could not load BPF collection 'counter' (" + OBJECT
                + "): BPF collection 'counter': create map 'opens': E2BIG");
        assertThat(analysis.getAction()).contains("ebpf.collections.counter.failure-mode=warn");
    }

    /** As the container reports a failure in a bean's initialization. */
    private static Throwable wrapped(Throwable failure) {
        return new BeanCreationException("ebpfCollectionRegistry", "Initialization failed", failure);
    }
}
