package io.ebpf4j.link;

import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramType;
import io.ebpf4j.internal.Cpus;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.KernelExtension;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RequiresKernel(programTypes = ProgramType.PERF_EVENT)
class PerfEventLinkTest {

    private static void spin(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        long x = 0;
        while (System.nanoTime() < end) {
            x += x * 31 + 7;
        }
        assertThat(x).isNotEqualTo(42); // keeps the loop
    }

    @Test
    void softwareCpuClockSamplesRunTheProgramOnEveryCpu() {
        try (BpfMap counts = Programs.counters(1);
                BpfProgram program = Programs.load("sample", ProgramType.PERF_EVENT, Programs.counting(counts, 0));
                BpfLink link = Links.perfEvent(program, PerfEventSpec.software(PerfEventSpec.SW_CPU_CLOCK, 1000))) {
            assertThat(link.description()).isEqualTo("perf software event 0 at 1000 Hz on every CPU <- program"
                    + " 'sample'");
            assertThat(((LinkGroup) link).parts()).hasSize(Cpus.online().length);
            spin(300);
            long samples = Programs.read(counts, 0);
            assertThat(samples).isGreaterThan(50); // 1 kHz for 300 ms on at least one busy CPU
            assertThatThrownBy(link::info).isInstanceOf(NotSupportedException.class)
                    .hasMessageContaining(Cpus.online().length + " kernel attachments");
            LinkInfo first = ((LinkGroup) link).parts().get(0).info();
            link.close();
            long after = Programs.read(counts, 0);
            spin(100);
            assertThat(Programs.read(counts, 0)).isEqualTo(after);
            // The type is the PMU's as the kernel reports it: recent kernels give the CPU clock a PMU of its own.
            KernelExtension.assumePerfLinkInfo(first);
            assertThat(first.target()).isInstanceOfSatisfying(LinkInfo.PerfCounter.class,
                    c -> assertThat(c.config()).isEqualTo(PerfEventSpec.SW_CPU_CLOCK));
        }
    }

    @Test
    void hardwareEventsWithoutAPmuAreExplained() {
        try (BpfMap counts = Programs.counters(1);
                BpfProgram program = Programs.load("cycles", ProgramType.PERF_EVENT, Programs.counting(counts, 0))) {
            try (BpfLink link = Links.perfEvent(program, PerfEventSpec.hardware(PerfEventSpec.HW_CPU_CYCLES,
                    1_000_000))) {
                assertThat(link.description()).contains("hardware event"); // a machine with a PMU gets here
            } catch (NotSupportedException e) {
                assertThat(e.feature()).isEqualTo("perf event hardware event 0 every 1000000 events");
                assertThat(e.getMessage()).contains("ENOENT").contains("no PMU")
                        .contains("PerfEventSpec.SW_CPU_CLOCK");
            }
        }
    }

    @Test
    void specsAreValidated() {
        assertThatThrownBy(() -> new PerfEventSpec(PerfEventSpec.SOFTWARE, 0, 10, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("either");
        assertThatThrownBy(() -> new PerfEventSpec(PerfEventSpec.SOFTWARE, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noDescriptorLeaksOverAThousandAttachments() {
        try (BpfMap counts = Programs.counters(1);
                BpfProgram program = Programs.load("sample", ProgramType.PERF_EVENT, Programs.counting(counts, 0))) {
            PerfEventSpec spec = PerfEventSpec.software(PerfEventSpec.SW_CPU_CLOCK, 100);
            Links.perfEvent(program, spec).close();
            FdCount.Snapshot before = FdCount.snapshot();
            Cycles.run(1000, thread -> Links.perfEvent(program, spec).close());
            assertThat(before.openedSince()).isEmpty();
        }
    }
}
