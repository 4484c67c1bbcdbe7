package io.ebpf4j.link;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramType;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.KernelExtension;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RequiresKernel(programTypes = ProgramType.TRACEPOINT)
class TracepointLinkTest {

    @Test
    void countsExactlyTheCallsOfTheTracedProcess() {
        try (BpfMap counts = Programs.counters(2); TargetProcess target = TargetProcess.start("getppid", 7);
                BpfProgram program = Programs.load("getppid", ProgramType.TRACEPOINT,
                        Programs.countingWithCookie(counts, target.pid()));
                BpfLink link = Links.tracepoint("syscalls", "sys_enter_getppid", program, 42)) {
            assertThat(link.description()).isEqualTo("tracepoint syscalls/sys_enter_getppid <- program 'getppid'");
            target.go();
            assertThat(Programs.read(counts, 0)).isEqualTo(7);
            assertThat(Programs.read(counts, 1)).isEqualTo(7 * 42); // the cookie, once per call

            LinkInfo info = link.info();
            assertThat(info.type()).isEqualTo(LinkType.PERF_EVENT);
            assertThat(info.programId()).isEqualTo(program.info().id());
            KernelExtension.assumePerfLinkInfo(info);
            assertThat(info.target()).isEqualTo(new LinkInfo.PerfTracepoint("sys_enter_getppid", 42));
        }
    }

    @Test
    void closingDetaches() {
        try (BpfMap counts = Programs.counters(1); TargetProcess target = TargetProcess.start("getppid", 3);
                BpfProgram program = Programs.load("getppid", ProgramType.TRACEPOINT,
                        Programs.countingProcess(counts, target.pid()))) {
            Links.tracepoint("syscalls", "sys_enter_getppid", program).close();
            target.go();
            assertThat(Programs.read(counts, 0)).isZero();
        }
    }

    @Test
    void attachesWithTheIoctlWhereThereIsNoPerfLink() {
        try (BpfMap counts = Programs.counters(1); TargetProcess target = TargetProcess.start("getppid", 5);
                BpfProgram program = Programs.load("getppid", ProgramType.TRACEPOINT,
                        Programs.countingProcess(counts, target.pid()));
                PerfEventLink link = PerfEvents.attachWithIoctl(program,
                        Probes.tracepoint("syscalls", "sys_enter_getppid"), "tracepoint by ioctl", null)) {
            assertThat(link.hasLink()).isFalse();
            target.go();
            assertThat(Programs.read(counts, 0)).isEqualTo(5);
            assertThatThrownBy(link::info).isInstanceOf(NotSupportedException.class)
                    .hasMessageContaining("PERF_EVENT_IOC_SET_BPF");
            assertThatThrownBy(() -> link.pin("/sys/fs/bpf/never")).isInstanceOf(NotSupportedException.class);
        }
    }

    @Test
    void unknownTracepointSaysWhereItLooked() {
        try (BpfMap counts = Programs.counters(1);
                BpfProgram program = Programs.load("tp", ProgramType.TRACEPOINT, Programs.counting(counts, 0))) {
            assertThatThrownBy(() -> Links.tracepoint("syscalls", "sys_enter_no_such_call", program))
                    .isInstanceOf(BpfException.class)
                    .hasMessageContaining("unknown tracepoint syscalls/sys_enter_no_such_call")
                    .hasMessageContaining("events/syscalls/sys_enter_no_such_call/id")
                    .hasMessageContaining("available_events");
            assertThatThrownBy(() -> Links.tracepoint("../..", "x", program))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void wrongProgramTypeIsRefusedBeforeAnySyscall() {
        try (BpfMap counts = Programs.counters(1);
                BpfProgram filter = Programs.load("filter", ProgramType.SOCKET_FILTER, Programs.counting(counts, 0))) {
            assertThatThrownBy(() -> Links.tracepoint("syscalls", "sys_enter_getppid", filter))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("SOCKET_FILTER").hasMessageContaining("TRACEPOINT");
        }
    }

    @Test
    void pinnedLinkStaysAttachedWithoutItsHandle() throws Exception {
        Path dir = Files.createDirectories(Path.of("/sys/fs/bpf", "ebpf4j-test-" + UUID.randomUUID()));
        String pin = dir.resolve("link").toString();
        try (BpfMap counts = Programs.counters(1); TargetProcess target = TargetProcess.start("getppid", 4)) {
            int linkId;
            try (BpfProgram program = Programs.load("pinned", ProgramType.TRACEPOINT,
                    Programs.countingProcess(counts, target.pid()));
                    BpfLink link = Links.tracepoint("syscalls", "sys_enter_getppid", program)) {
                link.pin(pin);
                assertThat(link.pinnedPath()).contains(pin);
                linkId = link.info().id();
            }
            // Program and link handles are closed: only the pin holds the attachment.
            target.go();
            assertThat(Programs.read(counts, 0)).isEqualTo(4);
            try (BpfLink reopened = Links.loadPinned(pin)) {
                assertThat(reopened.info().id()).isEqualTo(linkId);
                assertThat(reopened.description()).contains("PERF_EVENT link " + linkId).contains(pin);
                assertThat(Links.all()).anySatisfy(info -> assertThat(info.id()).isEqualTo(linkId));
                reopened.unpin();
            }
            assertThat(Files.exists(Path.of(pin))).isFalse();
            assertThat(Links.all()).noneSatisfy(info -> assertThat(info.id()).isEqualTo(linkId));
        } finally {
            Files.deleteIfExists(Path.of(pin));
            Files.delete(dir);
        }
    }

    @Test
    void noDescriptorLeaksOverAThousandAttachments() {
        // One program per thread: a program can be attached to a tracepoint only once at a time.
        BpfProgram[] programs = new BpfProgram[Cycles.THREADS];
        try (BpfMap counts = Programs.counters(1);
                BpfProgram wrong = Programs.load("wrong", ProgramType.SOCKET_FILTER, Programs.counting(counts, 0))) {
            for (int i = 0; i < programs.length; i++) {
                programs[i] = Programs.load("cycle", ProgramType.TRACEPOINT, Programs.counting(counts, 0));
            }
            Links.tracepoint("syscalls", "sys_enter_getppid", programs[0]).close();
            FdCount.Snapshot before = FdCount.snapshot();
            Cycles.run(1000, thread -> Links.tracepoint("syscalls", "sys_enter_getppid", programs[thread]).close());
            Cycles.run(100, thread -> {
                // Fails after perf_event_open: the event must be closed again.
                assertThatThrownBy(() -> PerfEvents.attachWithLink(wrong,
                        Probes.tracepoint("syscalls", "sys_enter_getppid"), 0, "wrong", null))
                        .isInstanceOf(BpfException.class);
                assertThatThrownBy(() -> Links.tracepoint("syscalls", "sys_enter_nothing", programs[thread]))
                        .isInstanceOf(BpfException.class);
            });
            assertThat(before.openedSince()).isEmpty();
        } finally {
            for (BpfProgram program : programs) {
                if (program != null) {
                    program.close();
                }
            }
        }
    }
}
