package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramType;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.KernelFeature;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RequiresKernel(programTypes = {ProgramType.CGROUP_SKB, ProgramType.CGROUP_SOCK},
        features = KernelFeature.BPF_LINK)
class CgroupLinkTest {

    /** Runs {@code probe_target command count} inside {@code cgroup}. */
    private static long runIn(TestCgroup cgroup, String command, long count) {
        try (TargetProcess target = TargetProcess.start(command, count)) {
            cgroup.moveIn(target.pid());
            return target.go();
        }
    }

    private static BpfProgram skbCounter(BpfMap counts) {
        return Programs.load("skb", ProgramType.CGROUP_SKB, Programs.counting(counts, 1 /* allow */));
    }

    @Test
    void cgroupSkbCountsThePacketsOfTheProcessesInTheCgroup() throws Exception {
        try (TestCgroup cgroup = TestCgroup.create(); BpfMap ingress = Programs.counters(1);
                BpfMap egress = Programs.counters(1); BpfProgram in = skbCounter(ingress);
                BpfProgram out = skbCounter(egress);
                BpfLink inLink = Links.cgroup(cgroup.path(), AttachType.CGROUP_INET_INGRESS, in);
                BpfLink outLink = Links.cgroup(cgroup.path(), AttachType.CGROUP_INET_EGRESS, out)) {
            TargetProcess.run("udp", 10); // not in the cgroup: not counted
            assertThat(runIn(cgroup, "udp", 3)).isEqualTo(3);
            assertThat(Programs.read(ingress, 0)).isEqualTo(3);
            assertThat(Programs.read(egress, 0)).isEqualTo(3);

            LinkInfo info = outLink.info();
            assertThat(info.type()).isEqualTo(LinkType.CGROUP);
            long cgroupId = (Long) Files.getAttribute(cgroup.path(), "unix:ino");
            assertThat(info.target()).isEqualTo(new LinkInfo.Cgroup(cgroupId, AttachType.CGROUP_INET_EGRESS));
            assertThat(Links.query(cgroup.path(), AttachType.CGROUP_INET_EGRESS))
                    .extracting(AttachedProgram::programId).containsExactly(out.info().id());
        }
    }

    @Test
    void sockCreateSeesEverySocketOfTheCgroup() throws Exception {
        try (TestCgroup cgroup = TestCgroup.create(); BpfMap counts = Programs.counters(1);
                BpfProgram program = Programs.load("sock_create", ProgramType.CGROUP_SOCK,
                        AttachType.CGROUP_INET_SOCK_CREATE, Programs.counting(counts, 1));
                BpfLink link = Links.cgroup(cgroup.path(), AttachType.CGROUP_INET_SOCK_CREATE, program)) {
            runIn(cgroup, "sockets", 2); // an AF_INET and an AF_INET6 socket each time
            assertThat(Programs.read(counts, 0)).isEqualTo(4);
        }
    }

    @Test
    void updateSwapsTheProgramAndDetachStopsIt() throws Exception {
        try (TestCgroup cgroup = TestCgroup.create(); BpfMap first = Programs.counters(1);
                BpfMap second = Programs.counters(1); BpfProgram one = skbCounter(first);
                BpfProgram two = skbCounter(second);
                BpfLink link = Links.cgroup(cgroup.path(), AttachType.CGROUP_INET_EGRESS, one)) {
            runIn(cgroup, "udp", 2);
            link.update(two);
            assertThat(link.info().programId()).isEqualTo(two.info().id());
            runIn(cgroup, "udp", 3);
            assertThat(Programs.read(first, 0)).isEqualTo(2);
            assertThat(Programs.read(second, 0)).isEqualTo(3);

            link.detach();
            runIn(cgroup, "udp", 4);
            assertThat(Programs.read(second, 0)).isEqualTo(3);
            // A detached link keeps its program but no longer has a cgroup.
            assertThat(link.info().target()).isEqualTo(new LinkInfo.Cgroup(0, AttachType.CGROUP_INET_EGRESS));
            assertThat(Links.query(cgroup.path(), AttachType.CGROUP_INET_EGRESS)).isEmpty();
        }
    }

    @Test
    void attachesWithProgAttachWhereThereIsNoBpfLink() throws Exception {
        try (TestCgroup cgroup = TestCgroup.create(); BpfMap first = Programs.counters(1);
                BpfMap second = Programs.counters(1); BpfProgram one = skbCounter(first);
                BpfProgram two = skbCounter(second)) {
            BpfLink link = ProgAttachLink.attach(Cgroups.openCgroup(cgroup.path()), AttachType.CGROUP_INET_EGRESS,
                    ProgAttachLink.F_ALLOW_MULTI, one, "cgroup egress by BPF_PROG_ATTACH");
            try (link) {
                runIn(cgroup, "udp", 2);
                assertThat(Links.query(cgroup.path(), AttachType.CGROUP_INET_EGRESS)).containsExactly(
                        new AttachedProgram(one.info().id(), 0, ProgAttachLink.F_ALLOW_MULTI));
                link.update(two);
                runIn(cgroup, "udp", 3);
                assertThat(Programs.read(first, 0)).isEqualTo(2);
                assertThat(Programs.read(second, 0)).isEqualTo(3);
                assertThatThrownBy(link::info).isInstanceOf(NotSupportedException.class)
                        .hasMessageContaining("BPF_PROG_ATTACH");
            }
            assertThat(link.isClosed()).isTrue();
            assertThat(Links.query(cgroup.path(), AttachType.CGROUP_INET_EGRESS)).isEmpty();
            runIn(cgroup, "udp", 1);
            assertThat(Programs.read(second, 0)).isEqualTo(3);
        }
    }

    @Test
    void pinnedLinkKeepsCountingAfterItsHandleIsGone() throws Exception {
        Path dir = Files.createDirectories(Path.of("/sys/fs/bpf", "ebpf4j-test-" + UUID.randomUUID()));
        String pin = dir.resolve("egress").toString();
        try (TestCgroup cgroup = TestCgroup.create(); BpfMap counts = Programs.counters(1)) {
            try (BpfProgram program = skbCounter(counts);
                    BpfLink link = Links.cgroup(cgroup.path(), AttachType.CGROUP_INET_EGRESS, program)) {
                link.pin(pin);
            }
            runIn(cgroup, "udp", 3);
            assertThat(Programs.read(counts, 0)).isEqualTo(3);
            try (BpfLink reopened = Links.loadPinned(pin)) {
                assertThat(reopened.info().type()).isEqualTo(LinkType.CGROUP);
                reopened.unpin();
            }
            runIn(cgroup, "udp", 3); // unpinned and closed: detached
            assertThat(Programs.read(counts, 0)).isEqualTo(3);
        } finally {
            Files.deleteIfExists(Path.of(pin));
            Files.delete(dir);
        }
    }

    @Test
    void targetsOutsideCgroupV2AreExplained() {
        try (BpfMap counts = Programs.counters(1); BpfProgram program = skbCounter(counts)) {
            assertThatThrownBy(() -> Links.cgroup(Path.of("/tmp"), AttachType.CGROUP_INET_EGRESS, program))
                    .isInstanceOf(BpfException.class)
                    .hasMessageContaining("/tmp is not in a cgroup v2 hierarchy")
                    .hasMessageContaining("cgroup v2 is mounted at");
        }
    }

    @Test
    void noDescriptorLeaksOverAThousandAttachments() throws Exception {
        try (TestCgroup cgroup = TestCgroup.create(); BpfMap counts = Programs.counters(1);
                BpfProgram program = skbCounter(counts)) {
            Path missing = cgroup.path().resolve("missing");
            Links.cgroup(cgroup.path(), AttachType.CGROUP_INET_EGRESS, program).close();
            FdCount.Snapshot before = FdCount.snapshot();
            Cycles.run(1000, thread ->
                    Links.cgroup(cgroup.path(), AttachType.CGROUP_INET_EGRESS, program).close());
            Cycles.run(100, thread -> assertThatThrownBy(() ->
                    Links.cgroup(missing, AttachType.CGROUP_INET_EGRESS, program)).isInstanceOf(BpfException.class)
                    .hasMessageContaining("no cgroup directory"));
            assertThat(before.openedSince()).isEmpty();
        }
    }
}
