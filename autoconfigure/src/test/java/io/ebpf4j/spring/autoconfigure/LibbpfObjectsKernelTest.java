package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.ProgramType;
import io.ebpf4j.TestRun;
import io.ebpf4j.spring.EbpfConfigurationException;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.ManagedCollection;
import io.ebpf4j.testing.NativeBinaries;
import io.ebpf4j.testing.RequiresKernel;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Objects written for libbpf (core's clang-built fixtures) loaded and attached by the starter. */
@RequiresKernel(programTypes = {ProgramType.KPROBE, ProgramType.XDP})
class LibbpfObjectsKernelTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EbpfAutoConfiguration.class));

    /** The usdt attach, with a program that reads its arguments with libbpf's bpf_usdt_arg() (usdt.bpf.h). */
    @Test
    void aUsdtProgramUsingBpfUsdtArgIsAttachedFromConfigurationAndReadsItsArguments() throws Exception {
        Path binary = NativeBinaries.probeTarget();
        int n = 4;
        Process target = new ProcessBuilder(binary.toString(), "usdt", String.valueOf(n)).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(),
                StandardCharsets.UTF_8)); OutputStream in = target.getOutputStream()) {
            assertThat(out.readLine()).isEqualTo("ready");
            runner.withPropertyValues("ebpf.collections.usdt.object=classpath:bpf/usdt_args.bpf.o",
                            "ebpf.collections.usdt.programs.tick.binary=" + binary,
                            "ebpf.collections.usdt.programs.tick.usdt=ebpf4j:tick",
                            "ebpf.collections.usdt.programs.tick.pid=" + target.pid(),
                            "ebpf.collections.usdt.programs.tick.cookie=3")
                    .run(context -> {
                        ManagedCollection usdt = context.getBean(EbpfCollections.class).get("usdt").orElseThrow();
                        assertThat(usdt.status()).isEqualTo(ManagedCollection.Status.ATTACHED);
                        in.write('\n');
                        in.flush();
                        String done = out.readLine();
                        assertThat(done).startsWith("done ");
                        long sum = Long.parseLong(done.substring(5));
                        assertThat(usdt.collection().variable("calls").getLong()).isEqualTo(n);
                        assertThat(usdt.collection().variable("value_sum").getLong()).isEqualTo(sum);
                        assertThat(usdt.collection().variable("doubled_sum").getLong()).isEqualTo(2 * sum);
                        assertThat(usdt.collection().variable("cookie_sum").getLong()).isEqualTo(3L * n);
                    });
        } finally {
            target.destroy();
            target.waitFor();
        }
    }

    @Test
    void programsInSectionsLibbpfDoesNotKnowNeedTheirTypeFromConfiguration() {
        runner.withPropertyValues("ebpf.collections.custom.object=classpath:bpf/unknown_sections.bpf.o",
                "ebpf.collections.custom.programs.sample.enabled=false",
                "ebpf.collections.custom.programs.skb_verdict.enabled=false").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().isInstanceOf(EbpfConfigurationException.class)
                            .hasMessageContaining("program 'xdp_on_lo'")
                            .hasMessageContaining("section xdp/lo, whose name libbpf does not know");
                });
        runner.withPropertyValues("ebpf.collections.custom.object=classpath:bpf/unknown_sections.bpf.o",
                "ebpf.collections.custom.programs.xdp_on_lo.type=xdp",
                "ebpf.collections.custom.programs.sample.type=perf-event",
                "ebpf.collections.custom.programs.sample.attach=none",
                "ebpf.collections.custom.programs.skb_verdict.enabled=false").run(context -> {
                    ManagedCollection custom = context.getBean(EbpfCollections.class).get("custom").orElseThrow();
                    assertThat(custom.collection().program("xdp_on_lo").type()).isEqualTo(ProgramType.XDP);
                    assertThat(custom.collection().program("sample").type()).isEqualTo(ProgramType.PERF_EVENT);
                    assertThat(custom.collection().program("xdp_on_lo").testRun(TestRun.of(new byte[64]))
                            .returnValue()).isEqualTo(2); // XDP_PASS
                });
    }
}
