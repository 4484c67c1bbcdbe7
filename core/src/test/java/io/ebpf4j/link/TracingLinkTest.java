package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfCollection;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.CollectionSpec;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramSpec;
import io.ebpf4j.ProgramType;
import io.ebpf4j.TestPrograms;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.Fixtures;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Raw tracepoints, BTF tracepoints, and the trampoline hooks this kernel refuses. */
@RequiresKernel(programTypes = ProgramType.RAW_TRACEPOINT)
class TracingLinkTest {

    @Test
    void rawTracepointCountsExactlyTheCallsOfTheTracedProcess() {
        try (BpfMap counts = Programs.counters(1); TargetProcess target = TargetProcess.start("getppid", 6);
                BpfProgram program = Programs.load("raw_tp", ProgramType.RAW_TRACEPOINT,
                        Programs.countingGetppid(counts, target.pid()));
                BpfLink link = Links.rawTracepoint("sys_enter", program)) {
            target.go();
            assertThat(Programs.read(counts, 0)).isEqualTo(6);
            LinkInfo info = link.info();
            assertThat(info.type()).isEqualTo(LinkType.RAW_TRACEPOINT);
            assertThat(info.target()).isEqualTo(new LinkInfo.RawTracepoint("sys_enter", 0));
            assertThatThrownBy(() -> link.update(program)).isInstanceOf(NotSupportedException.class)
                    .hasMessageContaining("RAW_TRACEPOINT links");
        }
    }

    @Test
    void rawTracepointCarriesACookie() {
        try (BpfMap counts = Programs.counters(2); TargetProcess target = TargetProcess.start("getppid", 3);
                BpfProgram program = Programs.load("raw_tp", ProgramType.RAW_TRACEPOINT,
                        Programs.countingWithCookie(counts, target.pid()));
                BpfLink link = Links.rawTracepoint("sys_enter", program, 1000)) {
            target.go();
            // sys_enter fires for every syscall of the process, at least the 3 getppid calls
            long runs = Programs.read(counts, 0);
            assertThat(runs).isGreaterThanOrEqualTo(3);
            assertThat(Programs.read(counts, 1)).isEqualTo(1000 * runs);
            assertThat(link.info().target()).isEqualTo(new LinkInfo.RawTracepoint("sys_enter", 1000));
        }
    }

    @Test
    void unknownRawTracepointIsExplained() {
        try (BpfMap counts = Programs.counters(1);
                BpfProgram program = Programs.load("raw_tp", ProgramType.RAW_TRACEPOINT,
                        Programs.counting(counts, 0))) {
            assertThatThrownBy(() -> Links.rawTracepoint("sched/sched_switch", program))
                    .isInstanceOf(BpfException.class)
                    .hasMessageContaining("unknown raw tracepoint 'sched/sched_switch'")
                    .hasMessageContaining("without their group");
        }
    }

    @Test
    void btfTracepointCountsThroughATracingLink() {
        int btfId = VmlinuxBtf.id("TYPEDEF", "btf_trace_sys_enter");
        try (BpfMap counts = Programs.counters(1); TargetProcess target = TargetProcess.start("getppid", 5);
                BpfProgram program = TestPrograms.loadWithAttachBtfId(new ProgramSpec("tp_btf",
                        ProgramType.TRACING, Programs.countingGetppid(counts, target.pid()))
                        .attachType(AttachType.TRACE_RAW_TP).sectionName("tp_btf/sys_enter"), btfId);
                BpfLink link = Links.tracing(program)) {
            assertThat(link.description()).isEqualTo("TRACE_RAW_TP <- program 'tp_btf'");
            target.go();
            assertThat(Programs.read(counts, 0)).isEqualTo(5);
            // The kernel reports a BTF raw tracepoint as a raw tracepoint link, or (6.10+) as a tracing link.
            assertThat(link.info().type()).isIn(LinkType.RAW_TRACEPOINT, LinkType.TRACING);
        }
    }

    @Test
    void btfTracepointOpenedByPinOrIdAttachesWithoutKnowingItsAttachType() {
        int btfId = VmlinuxBtf.id("TYPEDEF", "btf_trace_sys_enter");
        try (BpfMap counts = Programs.counters(1); TargetProcess target = TargetProcess.start("getppid", 2);
                BpfProgram loaded = TestPrograms.loadWithAttachBtfId(new ProgramSpec("tp_btf", ProgramType.TRACING,
                        Programs.countingGetppid(counts, target.pid())).attachType(AttachType.TRACE_RAW_TP), btfId);
                BpfProgram byId = BpfProgram.fromId(loaded.info().id());
                BpfLink link = Links.tracing(byId)) {
            assertThat(byId.attachType()).isEqualTo(AttachType.NONE);
            target.go();
            assertThat(Programs.read(counts, 0)).isEqualTo(2);
        }
    }

    @Test
    void btfTracepointFromAnObjectCountsTheExecOfAChild() throws Exception {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("tp_btf.bpf.o"));
        spec.variables().get("parent_tgid").set(ProcessHandle.current().pid());
        try (BpfCollection coll = BpfCollection.load(spec);
                BpfLink link = Links.tracing(coll.program("count_exec"))) {
            Process child = new ProcessBuilder("/bin/true").start();
            assertThat(child.waitFor()).isZero();
            // The JDK may exec a helper (jspawnhelper) in the child before the command: count at least one exec.
            assertThat(coll.variable("execs").getLong()).isPositive();
            assertThat(coll.variable("last_pid").getLong()).isEqualTo(child.pid());
            assertThat(coll.variable("last_comm").getString()).isEqualTo("true");
        }
    }

    @Test
    void fentryFromAnObjectIsRefusedByThisKernelWithTheHookNamed() throws Exception {
        loadFentryObject();
        int before = FdCount.now();
        loadFentryObject();
        assertThat(FdCount.now()).as("a refused load closes what it created").isEqualTo(before);
    }

    private static void loadFentryObject() throws Exception {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("fentry.bpf.o"));
        try (BpfCollection coll = BpfCollection.load(spec);
                BpfLink link = Links.tracing(coll.program("count_openat2"))) {
            // A kernel with trampolines gets here: then the program must count.
            Files.readString(Path.of("/proc/self/comm"));
            assertThat(coll.variable("opens").getLong()).isPositive();
        } catch (NotSupportedException e) {
            assertThat(e.feature()).isEqualTo("fentry");
            assertThat(e.getMessage()).contains("program 'count_openat2'")
                    .contains("this kernel does not support fentry programs");
        }
    }

    @Test
    void trampolineAndLsmProgramsAreRefusedByThisKernelWithTheHookNamed() {
        for (String[] hook : List.of(new String[] {"fentry", "TRACE_FENTRY", "do_sys_openat2"},
                new String[] {"fexit", "TRACE_FEXIT", "do_sys_openat2"},
                new String[] {"fmod_ret", "MODIFY_RETURN", "bpf_modify_return_test"},
                new String[] {"lsm", "LSM_MAC", "bpf_lsm_file_open"})) {
            ProgramType type = hook[0].equals("lsm") ? ProgramType.LSM : ProgramType.TRACING;
            ProgramSpec spec = new ProgramSpec("refused", type, io.ebpf4j.asm.Instructions.builder()
                    .mov64(io.ebpf4j.asm.Register.R0, 0).exit().build())
                    .attachType(AttachType.valueOf(hook[1])).sectionName(hook[0] + "/" + hook[2]);
            int btfId = VmlinuxBtf.id("FUNC", hook[2]);
            try (BpfProgram program = TestPrograms.loadWithAttachBtfId(spec, btfId)) {
                // A kernel with trampolines gets here: then attaching must work.
                Links.tracing(program).close();
            } catch (NotSupportedException e) {
                assertThat(e.feature()).isEqualTo(hook[0]);
                assertThat(e.getMessage()).contains("this kernel does not support " + hook[0] + " programs");
            }
        }
    }

    @Test
    void kprobesAreRefusedByThisKernelWithTheHookNamed() {
        try (BpfMap counts = Programs.counters(1);
                BpfProgram kprobe = Programs.load("kprobe", ProgramType.KPROBE, Programs.counting(counts, 0));
                BpfProgram multi = Programs.load("kprobe_multi", ProgramType.KPROBE, AttachType.TRACE_KPROBE_MULTI,
                        Programs.counting(counts, 0))) {
            for (boolean ret : new boolean[] {false, true}) {
                String hook = ret ? "kretprobe" : "kprobe";
                try (BpfLink link = ret ? Links.kretprobe("do_sys_openat2", kprobe)
                        : Links.kprobe(Links.syscallSymbol("openat"), kprobe)) {
                    assertThat(link.description()).startsWith(hook); // a kernel with kprobes gets here
                } catch (NotSupportedException e) {
                    assertThat(e.feature()).isEqualTo(hook);
                    assertThat(e.getMessage()).contains("this kernel has no kprobe support: no kprobe PMU")
                            .contains("no kprobe_events");
                }
            }
            try (BpfLink link = Links.kprobeMulti(List.of("do_sys_openat2", "vfs_read"), multi,
                    MultiProbeOptions.defaults())) {
                assertThat(link.info().type()).isEqualTo(LinkType.KPROBE_MULTI);
            } catch (NotSupportedException e) {
                assertThat(e.feature()).isEqualTo("kprobe_multi");
                assertThat(e.getMessage()).contains("this kernel has no kprobe_multi support");
            }
            assertThat(Links.syscallSymbol("openat")).isIn("__x64_sys_openat", "__arm64_sys_openat", "sys_openat");
        }
    }

    @Test
    void noDescriptorLeaksOverAThousandAttachments() {
        try (BpfMap counts = Programs.counters(1);
                BpfProgram program = Programs.load("cycle", ProgramType.RAW_TRACEPOINT, Programs.counting(counts, 0))) {
            Links.rawTracepoint("sys_enter", program).close();
            int before = FdCount.now();
            Cycles.run(1000, thread -> Links.rawTracepoint("sys_enter", program).close());
            Cycles.run(100, thread -> assertThatThrownBy(() -> Links.rawTracepoint("no_such_tracepoint", program))
                    .isInstanceOf(BpfException.class));
            assertThat(FdCount.now()).isEqualTo(before);
        }
    }
}
