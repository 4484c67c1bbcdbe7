package io.ebpf4j.link;

import io.ebpf4j.BpfCollection;
import io.ebpf4j.BpfException;
import io.ebpf4j.CollectionSpec;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramType;
import io.ebpf4j.internal.elf.ProgramSection;
import io.ebpf4j.internal.elf.SectionDefinitions;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.Fixtures;
import io.ebpf4j.testing.KernelFeature;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Attaching from section names in core, as libbpf's bpf_program__attach and skeleton attach do. */
class AutoAttachTest {

    @Test
    @RequiresKernel(programTypes = {ProgramType.TRACEPOINT, ProgramType.RAW_TRACEPOINT, ProgramType.XDP,
            ProgramType.KPROBE})
    void collectionAttachAttachesWhatTheSectionNamesSayAndLeavesTheRest() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("auto_attach.bpf.o"));
        int n = 7;
        try (TargetProcess target = TargetProcess.start("getpid", n)) {
            spec.variables().get("target_tgid").set(target.pid());
            try (BpfCollection coll = BpfCollection.load(spec)) {
                List<BpfLink> links = coll.attach();
                try {
                    assertThat(links).extracting(BpfLink::description).hasSize(3)
                            .anySatisfy(d -> assertThat(d).startsWith("tracepoint syscalls/sys_enter_getpid"))
                            .anySatisfy(d -> assertThat(d).startsWith("raw tracepoint sys_enter"))
                            .anySatisfy(d -> assertThat(d).startsWith("uprobe ").contains("libc.so.6:getpid"));
                    target.go();
                    assertThat(coll.variable("getpid_calls").getLong()).isEqualTo(n);
                    assertThat(coll.variable("raw_syscalls").getLong()).isGreaterThanOrEqualTo(n);
                    assertThat(coll.variable("libc_getpid_calls").getLong()).isEqualTo(n);
                } finally {
                    links.forEach(BpfLink::close);
                }
                assertThatThrownBy(() -> coll.program("left_alone").attach())
                        .isInstanceOf(NotSupportedException.class)
                        .hasMessageContaining("program 'left_alone' (section xdp) cannot be attached from its section");
                assertThatThrownBy(() -> coll.program("no_function").attach())
                        .isInstanceOf(NotSupportedException.class);
            }
        }
    }

    @Test
    @RequiresKernel(programTypes = {ProgramType.TRACEPOINT, ProgramType.RAW_TRACEPOINT, ProgramType.XDP,
            ProgramType.KPROBE})
    void aFailingAttachDetachesWhatWasAttachedBefore() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("auto_attach.bpf.o"));
        spec.programs().get("on_sys_enter").sectionName("raw_tp/ebpf4j_no_such_tracepoint");
        try (BpfCollection coll = BpfCollection.load(spec)) {
            FdCount.Snapshot before = FdCount.snapshot();
            assertThatThrownBy(coll::attach).isInstanceOf(BpfException.class)
                    .hasMessageContaining("ebpf4j_no_such_tracepoint");
            assertThat(before.openedSince()).as("the tracepoint link attached first was closed").isEmpty();
        }
    }

    @Test
    @RequiresKernel(programTypes = ProgramType.STRUCT_OPS, features = KernelFeature.BPF_LINK)
    void collectionAttachRegistersStructOpsMaps() throws IOException {
        Path available = Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control");
        try (BpfCollection coll = BpfCollection.load(CollectionSpec.load(Fixtures.bytes("tcp_cc.bpf.o")))) {
            List<BpfLink> links = coll.attach();
            assertThat(Files.readString(available)).contains("ebpf4j_cc");
            links.forEach(BpfLink::close);
            assertThat(Files.readString(available)).doesNotContain("ebpf4j_cc");
        }
    }

    @Test
    void sectionTargetsAreParsedAsLibbpfParsesThem() {
        assertThat(section("kprobe/do_sys_open+0x10").kprobeTarget())
                .isEqualTo(new ProgramSection.KprobeTarget("do_sys_open", 16));
        assertThat(section("uretprobe//usr/bin/bash:readline").uprobeTarget())
                .isEqualTo(new ProgramSection.UprobeTarget("/usr/bin/bash", "readline", 0));
        assertThat(section("uprobe/libc.so.6:malloc+4").uprobeTarget())
                .isEqualTo(new ProgramSection.UprobeTarget("libc.so.6", "malloc", 4));
        assertThat(section("usdt//opt/app:myprov:myprobe").usdtTarget())
                .isEqualTo(new ProgramSection.UsdtTarget("/opt/app", "myprov", "myprobe"));
        assertThat(section("tp/sched/sched_switch").tracepointTarget())
                .isEqualTo(new ProgramSection.TracepointTarget("sched", "sched_switch"));
        assertThatThrownBy(() -> section("kprobe/f+x").kprobeTarget()).hasMessageContaining("offset 'x'");
        assertThatThrownBy(() -> section("tracepoint/nogroup").tracepointTarget()).hasMessageContaining("group/name");
        assertThatThrownBy(() -> section("usdt/a:b").usdtTarget()).hasMessageContaining("binary:provider:name");
    }

    private static ProgramSection section(String name) {
        return SectionDefinitions.classify(name).orElseThrow();
    }
}
