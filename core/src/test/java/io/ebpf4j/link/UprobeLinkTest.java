package io.ebpf4j.link;

import io.ebpf4j.testing.NativeBinaries;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.ProgramType;
import io.ebpf4j.internal.Mounts;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.KernelExtension;
import io.ebpf4j.testing.KernelFeature;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RequiresKernel(programTypes = ProgramType.KPROBE)
class UprobeLinkTest {
    private static final String FUNCTION = "ebpf4j_probe_target";

    @Test
    void uprobeAndUretprobeCountTheCallsOfOneProcess() {
        Executable binary = Executable.of(NativeBinaries.probeTarget());
        try (BpfMap counts = Programs.counters(1); BpfMap returns = Programs.counters(1);
                TargetProcess target = TargetProcess.start("call", 9);
                TargetProcess other = TargetProcess.start("call", 4);
                BpfProgram entry = Programs.load("entry", ProgramType.KPROBE, Programs.counting(counts, 0));
                BpfProgram exit = Programs.load("exit", ProgramType.KPROBE, Programs.counting(returns, 0));
                BpfLink uprobe = Links.uprobe(binary, FUNCTION, entry, UprobeOptions.defaults()
                        .withPid(target.pid()));
                BpfLink uretprobe = Links.uretprobe(binary, FUNCTION, exit, UprobeOptions.defaults()
                        .withPid(target.pid()))) {
            other.go(); // another process running the same binary is not traced
            target.go();
            assertThat(Programs.read(counts, 0)).isEqualTo(9);
            assertThat(Programs.read(returns, 0)).isEqualTo(9);
            assertThat(uprobe.description()).isEqualTo("uprobe " + binary.path() + ":" + FUNCTION + " in pid "
                    + target.pid() + " <- program 'entry'");
            KernelExtension.assumePerfLinkInfo(uprobe.info());
            assertThat(uprobe.info().target()).isEqualTo(new LinkInfo.PerfUprobe(binary.path().toString(),
                    binary.offset(FUNCTION), 0, false, 0));
            assertThat(uretprobe.info().target()).isInstanceOfSatisfying(LinkInfo.PerfUprobe.class,
                    u -> assertThat(u.retprobe()).isTrue());
        }
    }

    @Test
    void uprobeWithoutPidSeesEveryProcess() {
        Executable binary = Executable.of(NativeBinaries.probeTarget());
        try (BpfMap counts = Programs.counters(1);
                BpfProgram program = Programs.load("entry", ProgramType.KPROBE, Programs.counting(counts, 0));
                BpfLink link = Links.uprobe(binary, FUNCTION, program)) {
            TargetProcess.run("call", 3);
            TargetProcess.run("call", 4);
            assertThat(Programs.read(counts, 0)).isEqualTo(7);
        }
    }

    @Test
    void uprobeOnSharedLibraryFunction() {
        Executable libc = Executable.library("libc.so.6");
        try (BpfMap counts = Programs.counters(1); TargetProcess target = TargetProcess.start("getpid", 11);
                BpfProgram program = Programs.load("getpid", ProgramType.KPROBE, Programs.counting(counts, 0));
                BpfLink link = Links.uprobe(libc, "getpid", program, UprobeOptions.defaults()
                        .withPid(target.pid()))) {
            target.go();
            assertThat(Programs.read(counts, 0)).isEqualTo(11);
        }
    }

    @Test
    void uprobeAtAnExplicitFileOffset() {
        Executable binary = Executable.of(NativeBinaries.probeTarget());
        long offset = binary.offset(FUNCTION);
        try (BpfMap counts = Programs.counters(1); TargetProcess target = TargetProcess.start("call", 5);
                BpfProgram program = Programs.load("entry", ProgramType.KPROBE, Programs.counting(counts, 0));
                BpfLink link = Links.uprobe(binary, offset, program, UprobeOptions.defaults()
                        .withPid(target.pid()))) {
            assertThat(link.description()).contains(":0x" + Long.toHexString(offset));
            target.go();
            assertThat(Programs.read(counts, 0)).isEqualTo(5);
        }
    }

    @Test
    void uprobeThroughTracefsWhereThereIsNoUprobePmu() throws Exception {
        Path control = Mounts.tracefs().resolve("uprobe_events");
        Executable binary = Executable.of(NativeBinaries.probeTarget());
        try (BpfMap counts = Programs.counters(1); TargetProcess target = TargetProcess.start("call", 6);
                BpfProgram program = Programs.load("entry", ProgramType.KPROBE, Programs.counting(counts, 0))) {
            Probes.ProbeEvent probe = Probes.uprobeThroughTracefs(control, binary.path().toString(),
                    binary.offset(FUNCTION), 0, false, target.pid(), "uprobe through tracefs");
            String event = probe.tracefsEvent() == null ? null : Files.readString(control);
            try (BpfLink link = PerfEvents.attach(program, probe.event(), 0, "uprobe through tracefs",
                    probe.tracefsEvent())) {
                assertThat(event).contains("ebpf4j_" + ProcessHandle.current().pid() + "_");
                target.go();
                assertThat(Programs.read(counts, 0)).isEqualTo(6);
            }
            // Closing the link removed the probe.
            assertThat(Files.readString(control)).doesNotContain("ebpf4j_" + ProcessHandle.current().pid() + "_");
        }
    }

    @Test
    @RequiresKernel(features = KernelFeature.UPROBE_MULTI)
    void uprobeMultiCountsSeveralFunctionsThroughOneLink() {
        Executable binary = Executable.of(NativeBinaries.probeTarget());
        try (BpfMap counts = Programs.counters(2); TargetProcess target = TargetProcess.start("multi", 8);
                BpfProgram program = Programs.load("multi", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI,
                        Programs.countingWithCookie(counts, target.pid()));
                BpfLink link = Links.uprobeMulti(binary, List.of(FUNCTION, "ebpf4j_other_target"), program,
                        MultiProbeOptions.defaults().withPid(target.pid()).withCookies(List.of(1L, 100L)))) {
            // The kernel reports the pid only while the process lives.
            assertThat(link.info().target()).isEqualTo(new LinkInfo.UprobeMulti(binary.path().toString(), 2, false,
                    target.pid()));
            TargetProcess.run("multi", 5); // another process: filtered out by the pid
            target.go();
            assertThat(Programs.read(counts, 0)).isEqualTo(16);
            assertThat(Programs.read(counts, 1)).isEqualTo(8 * 1 + 8 * 100); // each function's own cookie
        }
    }

    @Test
    void missingSymbolsAndLibrariesAreExplained() {
        Executable binary = Executable.of(NativeBinaries.probeTarget());
        assertThatThrownBy(() -> binary.offset("no_such_function")).isInstanceOf(BpfException.class)
                .hasMessageContaining("no function no_such_function in " + binary.path()).hasMessageContaining("nm -D");
        assertThatThrownBy(() -> Executable.library("libebpf4j-missing.so.1")).isInstanceOf(BpfException.class)
                .hasMessageContaining("no library libebpf4j-missing.so.1 in [");
        assertThatThrownBy(() -> Executable.of("/no/such/file")).isInstanceOf(BpfException.class)
                .hasMessageContaining("no executable at /no/such/file");
        assertThatThrownBy(() -> Executable.of("/proc/self/status").offset("x")).isInstanceOf(BpfException.class)
                .hasMessageContaining("is not an ELF64 executable");
    }

    @Test
    void libcSymbolsResolveToTheirFileOffsets() {
        Executable libc = Executable.library("libc.so.6");
        long getpid = libc.offset("getpid");
        assertThat(getpid).isPositive();
        assertThat(libc.offset("__getpid")).isEqualTo(getpid); // an alias at the same address
    }

    /**
     * 100 cycles, not 1,000: creating a uprobe event takes the kernel about 30 ms here and removing it 150 ms or more
     * (RCU grace periods under a global lock), so cycles cannot overlap.
     */
    @Test
    void noDescriptorLeaksOverManyAttachments() {
        Executable binary = Executable.of(NativeBinaries.probeTarget());
        try (BpfMap counts = Programs.counters(1)) {
            BpfProgram[] programs = new BpfProgram[Cycles.THREADS];
            for (int i = 0; i < programs.length; i++) {
                programs[i] = Programs.load("cycle", ProgramType.KPROBE, Programs.counting(counts, 0));
            }
            try {
                Links.uprobe(binary, FUNCTION, programs[0]).close();
                FdCount.Snapshot before = FdCount.snapshot();
                Cycles.run(100, thread -> Links.uprobe(binary, FUNCTION, programs[thread]).close());
                Cycles.run(100, thread -> assertThatThrownBy(() -> Links.uprobe(binary, Long.MAX_VALUE / 2,
                        programs[thread], UprobeOptions.defaults())).isInstanceOf(BpfException.class));
                assertThat(before.openedSince()).isEmpty();
            } finally {
                for (BpfProgram program : programs) {
                    program.close();
                }
            }
        }
    }
}
