package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.ProgramType;
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

/**
 * The starter's usdt attach with a clang-built program that reads its arguments with libbpf's bpf_usdt_arg()
 * (core's usdt_args.bpf.o), on the probe of core's probe_target test program.
 */
@RequiresKernel(programTypes = ProgramType.KPROBE)
class UsdtKernelTests {

    @Test
    void aUsdtProgramUsingBpfUsdtArgIsAttachedFromConfigurationAndReadsItsArguments() throws Exception {
        Path binary = NativeBinaries.probeTarget();
        int n = 4;
        Process target = new ProcessBuilder(binary.toString(), "usdt", String.valueOf(n)).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(),
                StandardCharsets.UTF_8)); OutputStream in = target.getOutputStream()) {
            assertThat(out.readLine()).isEqualTo("ready");
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(EbpfAutoConfiguration.class))
                    .withPropertyValues("ebpf.collections.usdt.object=classpath:bpf/usdt_args.bpf.o",
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
}
