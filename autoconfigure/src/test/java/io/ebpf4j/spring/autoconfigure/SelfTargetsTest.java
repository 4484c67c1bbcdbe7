package io.ebpf4j.spring.autoconfigure;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class SelfTargetsTest {

    @Test
    void theCgroupV2EntryOfProcSelfCgroup() {
        assertThat(SelfTargets.relativeCgroup(List.of("12:memory:/docker/abc", "0::/system.slice/app.service")))
                .isEqualTo("/system.slice/app.service");
        assertThat(SelfTargets.relativeCgroup(List.of("0::/"))).isEqualTo("/");
        assertThat(SelfTargets.relativeCgroup(List.of("0::/gone (deleted)"))).isEqualTo("/gone");
    }

    @Test
    void aProcessOnlyInCgroupV1HasNoV2Cgroup() {
        assertThatIllegalStateException().isThrownBy(() -> SelfTargets.relativeCgroup(List.of("4:memory:/x")))
                .withMessageContaining("no '0::' line");
    }

    @Test
    void pids() {
        assertThat(SelfTargets.pid((String) null)).isZero();
        assertThat(SelfTargets.pid("self")).isEqualTo(ProcessHandle.current().pid());
        assertThat(SelfTargets.pid("42")).isEqualTo(42);
    }
}
