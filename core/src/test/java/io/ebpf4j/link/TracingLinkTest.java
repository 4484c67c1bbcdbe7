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
import io.ebpf4j.TestRun;
import io.ebpf4j.features.Features;
import io.ebpf4j.internal.Mounts;
import io.ebpf4j.internal.sys.Arch;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.Fixtures;
import io.ebpf4j.testing.KernelFeature;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Raw tracepoints, BTF tracepoints, kprobes, trampolines (fentry, fexit, fmod_ret) and BPF LSM hooks. */
@RequiresKernel(programTypes = ProgramType.RAW_TRACEPOINT)
class TracingLinkTest {
    private static final int XDP_DROP = 1;
    private static final int XDP_PASS = 2;
    private static final Path KPROBE_PMU = Path.of("/sys/bus/event_source/devices/kprobe");

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
    @RequiresKernel(features = KernelFeature.RAW_TRACEPOINT_COOKIE)
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

    // The hooks below follow the kernel: each test requires its hook, whose probe (io.ebpf4j.features.Features)
    // loads and attaches a program; where it fails the test is skipped with the probe's reason. Where the kernel has
    // the hook, the test proves it by an effect: counters in the program's globals, a return value seen or changed.

    @Test
    @RequiresKernel(features = KernelFeature.KPROBE)
    void kprobeAndKretprobeCountTheSyscallHandlerThroughThePerfPmu() throws Exception {
        Assumptions.assumeTrue(Files.exists(KPROBE_PMU), "kernel: kprobes, but no kprobe perf PMU (" + KPROBE_PMU
                + "): only the tracefs path applies");
        String symbol = Links.syscallSymbol("getppid");
        if (Arch.current() == Arch.X86_64) {
            assertThat(symbol).isEqualTo("__x64_sys_getppid"); // every kernel with wrappers (4.17+) uses them
        }
        try (TargetProcess target = TargetProcess.start("getppid", 5);
                BpfCollection coll = loadFor("kprobe.bpf.o", target.pid(), "count_entry", "count_return");
                BpfLink entry = Links.kprobe(symbol, coll.program("count_entry"));
                BpfLink exit = Links.kretprobe(symbol, coll.program("count_return"))) {
            assertThat(entry.description()).startsWith("kprobe " + symbol);
            assertThat(exit.description()).startsWith("kretprobe " + symbol);
            target.go();
            assertThat(coll.variable("entries").getLong()).isEqualTo(5);
            assertThat(coll.variable("returns").getLong()).isEqualTo(5);
            assertThat(coll.variable("last_return").getLong()).isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    @RequiresKernel(features = KernelFeature.KPROBE)
    void kprobeAndKretprobeThroughTracefsKprobeEvents() throws Exception {
        Path control = Mounts.tracefs().resolve("kprobe_events");
        Assumptions.assumeTrue(Files.isWritable(control), "kernel: kprobes, but no writable " + control
                + ": only the perf PMU path applies");
        String symbol = Links.syscallSymbol("getppid");
        String marker = "ebpf4j_" + ProcessHandle.current().pid() + "_";
        try (TargetProcess target = TargetProcess.start("getppid", 4);
                BpfCollection coll = loadFor("kprobe.bpf.o", target.pid(), "count_entry", "count_return")) {
            Probes.ProbeEvent entryEvent = Probes.kprobeThroughTracefs(control, symbol, 0, false, "kprobe via tracefs");
            Probes.ProbeEvent exitEvent = Probes.kprobeThroughTracefs(control, symbol, 0, true, "kretprobe via tracefs");
            try (BpfLink entry = PerfEvents.attach(coll.program("count_entry"), entryEvent.event(), 0,
                    "kprobe via tracefs", entryEvent.tracefsEvent());
                    BpfLink exit = PerfEvents.attach(coll.program("count_return"), exitEvent.event(), 0,
                            "kretprobe via tracefs", exitEvent.tracefsEvent())) {
                // A return probe is written "r:" and listed with its maxactive, e.g. "r10:".
                assertThat(Files.readString(control)).containsPattern("(?m)^p:\\S*" + marker)
                        .containsPattern("(?m)^r\\d*:\\S*" + marker).contains(symbol);
                target.go();
                assertThat(coll.variable("entries").getLong()).isEqualTo(4);
                assertThat(coll.variable("returns").getLong()).isEqualTo(4);
            }
            // Closing the links removed the probes.
            assertThat(Files.readString(control)).doesNotContain(marker);
        }
    }

    @Test
    @RequiresKernel(features = KernelFeature.KPROBE_MULTI)
    void kprobeMultiCountsTheSyscallHandler() {
        try (TargetProcess target = TargetProcess.start("getppid", 3); BpfMap counts = Programs.counters(1);
                BpfProgram multi = Programs.load("kprobe_multi", ProgramType.KPROBE, AttachType.TRACE_KPROBE_MULTI,
                        Programs.countingGetppid(counts, target.pid()));
                BpfLink link = Links.kprobeMulti(List.of(Links.syscallSymbol("getppid")), multi,
                        MultiProbeOptions.defaults())) {
            assertThat(link.info().type()).isEqualTo(LinkType.KPROBE_MULTI);
            target.go();
            assertThat(Programs.read(counts, 0)).isEqualTo(3);
        }
    }

    @Test
    @RequiresKernel(programTypes = ProgramType.KPROBE)
    void kprobeMultiIsRefusedWithItsNameExactlyWhereTheProbeFindsItMissing() {
        Assumptions.assumeFalse(Features.hasKprobeMulti(), "the kernel has kprobe_multi: "
                + "kprobeMultiCountsTheSyscallHandler covers it");
        try (BpfMap counts = Programs.counters(1);
                BpfProgram multi = Programs.load("kprobe_multi", ProgramType.KPROBE, AttachType.TRACE_KPROBE_MULTI,
                        Programs.counting(counts, 0))) {
            assertThatThrownBy(() -> Links.kprobeMulti(List.of("do_sys_openat2", "vfs_read"), multi,
                    MultiProbeOptions.defaults()))
                    .isInstanceOfSatisfying(NotSupportedException.class,
                            e -> assertThat(e.feature()).isEqualTo("kprobe_multi"))
                    .hasMessageContaining("this kernel has no kprobe_multi support");
        }
    }

    @Test
    @RequiresKernel(features = {KernelFeature.FENTRY, KernelFeature.FEXIT})
    void fentryAndFexitCountAKernelFunctionAndSeeItsArgumentAndResult() throws Exception {
        try (BpfCollection coll = loadFor("fexit.bpf.o", (int) ProcessHandle.current().pid(), "enter_test1",
                "exit_test1");
                BpfLink entry = Links.tracing(coll.program("enter_test1"));
                BpfLink exit = Links.tracing(coll.program("exit_test1"))) {
            assertThat(entry.info().type()).isEqualTo(LinkType.TRACING);
            assertThat(exit.description()).isEqualTo("TRACE_FEXIT <- program 'exit_test1'");
            // A test run of a tracing program makes the kernel call bpf_fentry_test1(1) once (among others).
            TestRun once = new TestRun(new byte[0], 0, new byte[0], 0, 0, 0, 0);
            for (int i = 0; i < 3; i++) {
                coll.program("enter_test1").testRun(once);
            }
            assertThat(coll.variable("entries").getLong()).isEqualTo(3);
            assertThat(coll.variable("exits").getLong()).isEqualTo(3);
            assertThat(coll.variable("last_argument").getLong()).isEqualTo(1);
            assertThat(coll.variable("last_return").getLong()).isEqualTo(2);
        }
    }

    @Test
    @RequiresKernel(features = KernelFeature.FMOD_RET)
    void fmodRetMakesASecurityCheckFailForOneProcess() throws Exception {
        assertGetsidDenied("fmod_ret_getsid");
    }

    @Test
    @RequiresKernel(features = KernelFeature.LSM)
    void bpfLsmHookDeniesForOneProcess() throws Exception {
        assertGetsidDenied("lsm_getsid");
    }

    @Test
    @RequiresKernel(features = KernelFeature.FREPLACE)
    void freplaceReplacesAGlobalFunctionOfALoadedProgram() throws Exception {
        byte[] packet = new byte[64];
        try (BpfCollection target = BpfCollection.load(CollectionSpec.load(Fixtures.bytes("freplace_target.bpf.o")))) {
            BpfProgram decide = target.program("decide");
            assertThat(decide.testRun(TestRun.of(packet)).returnValue()).isEqualTo(XDP_PASS);
            CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("freplace.bpf.o"));
            spec.programs().get("drop_all").attachProgram(decide);
            try (BpfCollection extension = BpfCollection.load(spec)) {
                try (BpfLink link = Links.tracing(extension.program("drop_all"))) {
                    assertThat(decide.testRun(TestRun.of(packet).withRepeat(3)).returnValue()).isEqualTo(XDP_DROP);
                }
                assertThat(extension.variable("replaced").getLong()).isEqualTo(3);
                assertThat(decide.testRun(TestRun.of(packet)).returnValue()).isEqualTo(XDP_PASS);
            }
        }
    }

    @Test
    @RequiresKernel(programTypes = ProgramType.XDP)
    void freplaceWithoutItsTargetProgramIsExplained() throws Exception {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("freplace.bpf.o"));
        assertThatThrownBy(() -> BpfCollection.load(spec)).hasMessageContaining("freplace program 'drop_all'")
                .hasMessageContaining("ProgramSpec.attachProgram");
    }

    @Test
    @RequiresKernel(programTypes = ProgramType.TRACEPOINT, features = KernelFeature.PROBE_WRITE_USER)
    void probeWriteUserRewritesWhatAProcessWritesWhereTheKernelAllowsIt() throws Exception {
        byte[] data = new byte[777]; // a length nothing else in this process writes
        java.util.Arrays.fill(data, (byte) 'x');
        Path file = Files.createTempFile("ebpf4j-write-user", ".txt");
        try {
            CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("probe_write_user.bpf.o"));
            spec.variables().get("target_tgid").set(ProcessHandle.current().pid());
            spec.variables().get("target_count").set(data.length);
            try (BpfCollection coll = BpfCollection.load(spec);
                    BpfLink link = Links.tracepoint("syscalls", "sys_enter_write", coll.program("rewrite"))) {
                Files.write(file, data);
                assertThat(coll.variable("rewritten").getLong()).isEqualTo(1);
            }
            byte[] written = Files.readAllBytes(file);
            assertThat(new String(written, 0, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("BPF!xxxx");
            assertThat(data[0]).as("the kernel changed the copy that was written, not the array").isEqualTo((byte) 'x');
        } finally {
            Files.delete(file);
        }
    }

    /** While {@code program} is attached, getsid(2) of this process fails with EPERM; before and after, it works. */
    private static void assertGetsidDenied(String program) throws Exception {
        assertThat(getsid()).isNotNegative(); // 0 in a VM whose init never called setsid
        try (BpfCollection coll = loadFor("deny_getsid.bpf.o", (int) ProcessHandle.current().pid(), program)) {
            try (BpfLink link = Links.tracing(coll.program(program))) {
                assertThat(getsid()).isEqualTo(-Errno.EPERM);
                assertThat(getsid()).isEqualTo(-Errno.EPERM);
            }
            assertThat(coll.variable("denied").getLong()).isEqualTo(2);
            assertThat(getsid()).isNotNegative();
        }
    }

    /** getsid(2) of this process by its pid (getsid(0) skips the security check): the session id, or -errno. */
    private static long getsid() {
        long r = LibC.syscall(Arch.current() == Arch.X86_64 ? 124 : 156, ProcessHandle.current().pid(), 0, 0, 0, 0);
        return r < 0 ? -LibC.errno() : r;
    }

    /** Loads only {@code programs} of fixture {@code object}, with its {@code target_tgid} set. */
    private static BpfCollection loadFor(String object, int targetTgid, String... programs) throws Exception {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes(object));
        spec.programs().keySet().retainAll(Set.of(programs));
        spec.variables().get("target_tgid").set(targetTgid);
        return BpfCollection.load(spec);
    }

    @Test
    void trampolineAndLsmProbesAgreeWithLoadingAndAttaching() throws Exception {
        for (String[] hook : List.of(new String[] {"fentry", "TRACE_FENTRY", "do_sys_openat2"},
                new String[] {"fexit", "TRACE_FEXIT", "do_sys_openat2"},
                new String[] {"fmod_ret", "MODIFY_RETURN", "security_task_getsid"},
                new String[] {"lsm", "LSM_MAC", "bpf_lsm_file_open"})) {
            AttachType attachType = AttachType.valueOf(hook[1]);
            ProgramType type = hook[0].equals("lsm") ? ProgramType.LSM : ProgramType.TRACING;
            ProgramSpec spec = new ProgramSpec("probed", type, io.ebpf4j.asm.Instructions.builder()
                    .mov64(io.ebpf4j.asm.Register.R0, 0).exit().build())
                    .attachType(attachType).sectionName(hook[0] + "/" + hook[2]);
            int btfId = VmlinuxBtf.id("FUNC", hook[2]);
            FdCount.Snapshot before = FdCount.snapshot();
            if (Features.hasTracingAttach(attachType)) {
                try (BpfProgram program = TestPrograms.loadWithAttachBtfId(spec, btfId);
                        BpfLink link = Links.tracing(program)) {
                    assertThat(link.description()).startsWith(hook[1]);
                }
            } else {
                assertThatThrownBy(() -> {
                    try (BpfProgram program = TestPrograms.loadWithAttachBtfId(spec, btfId)) {
                        Links.tracing(program).close();
                    }
                }).as(hook[0]).isInstanceOfSatisfying(NotSupportedException.class,
                        e -> assertThat(e.feature()).isEqualTo(hook[0]));
            }
            assertThat(before.openedSince()).as("%s: nothing left open", hook[0]).isEmpty();
        }
    }

    @Test
    void noDescriptorLeaksOverAThousandAttachments() {
        // One program per thread: a raw tracepoint takes a program once at a time (6.1 refuses the second: EEXIST).
        List<BpfProgram> programs = new java.util.ArrayList<>();
        try (BpfMap counts = Programs.counters(1)) {
            for (int i = 0; i < Cycles.THREADS; i++) {
                programs.add(Programs.load("cycle", ProgramType.RAW_TRACEPOINT, Programs.counting(counts, 0)));
            }
            Links.rawTracepoint("sys_enter", programs.get(0)).close();
            FdCount.Snapshot before = FdCount.snapshot();
            Cycles.run(1000, thread -> Links.rawTracepoint("sys_enter", programs.get(thread)).close());
            Cycles.run(100, thread -> assertThatThrownBy(() -> Links.rawTracepoint("no_such_tracepoint",
                    programs.get(thread))).isInstanceOf(BpfException.class));
            assertThat(before.openedSince()).isEmpty();
        } finally {
            programs.forEach(BpfProgram::close);
        }
    }
}
