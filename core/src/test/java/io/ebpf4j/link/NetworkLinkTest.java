package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramType;
import io.ebpf4j.features.Features;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.KernelFeature;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;

import static io.ebpf4j.link.TestNetwork.FRAME_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * XDP (bpf_link and netlink), TC (TCX and clsact over netlink), netfilter, sk_lookup and packet sockets, on a veth
 * pair into a fresh network namespace.
 */
@RequiresKernel(features = KernelFeature.BPF_LINK)
class NetworkLinkTest {
    private static final int TCX_PASS = 0;
    private static final int SK_PASS = 1;
    private static final int NF_ACCEPT = 1;

    @Test
    @RequiresKernel(programTypes = ProgramType.XDP)
    void xdpInGenericModeCountsTheFramesThatArrive() throws Exception {
        try (TestNetwork net = TestNetwork.create(); BpfMap counts = Programs.counters(1);
                BpfMap others = Programs.counters(1);
                BpfProgram program = Programs.load("xdp", ProgramType.XDP, AttachType.XDP,
                        Programs.countingXdpFrames(counts, FRAME_LENGTH));
                BpfProgram other = Programs.load("xdp2", ProgramType.XDP, AttachType.XDP,
                        Programs.countingXdpFrames(others, FRAME_LENGTH));
                BpfLink link = net.inside(() -> Links.xdp(net.innerInterface(), program, XdpMode.GENERIC))) {
            assertThat(link.description()).isEqualTo("XDP (GENERIC) on " + net.innerInterface()
                    + " <- program 'xdp'");
            net.sendInward(3);
            assertThat(Programs.await(counts, 0, 3)).isEqualTo(3);
            int ifindex = net.inside(() -> Interfaces.index(net.innerInterface()));
            assertThat(link.info().target()).isEqualTo(new LinkInfo.Xdp(ifindex));

            link.update(other);
            net.sendInward(2);
            assertThat(Programs.await(others, 0, 2)).isEqualTo(2);
            link.detach();
            net.sendInward(2);
            TestNetwork.settle();
            assertThat(Programs.read(others, 0)).isEqualTo(2);
            assertThat(Programs.read(counts, 0)).isEqualTo(3);
        }
    }

    @Test
    @RequiresKernel(programTypes = ProgramType.SCHED_CLS, features = KernelFeature.TCX)
    void tcxCountsIngressAndEgressFrames() throws Exception {
        try (TestNetwork net = TestNetwork.create(); BpfMap ingress = Programs.counters(1);
                BpfMap egress = Programs.counters(1);
                BpfProgram in = Programs.load("tcx_in", ProgramType.SCHED_CLS,
                        Programs.countingSkbLength(ingress, FRAME_LENGTH, TCX_PASS));
                BpfProgram out = Programs.load("tcx_out", ProgramType.SCHED_CLS,
                        Programs.countingSkbLength(egress, FRAME_LENGTH, TCX_PASS));
                BpfLink inLink = net.inside(() -> Links.tcx(net.innerInterface(), AttachType.TCX_INGRESS, in));
                BpfLink outLink = net.inside(() -> Links.tcx(net.innerInterface(), AttachType.TCX_EGRESS, out))) {
            net.sendInward(3);
            net.sendOutward(2);
            assertThat(Programs.await(ingress, 0, 3)).isEqualTo(3);
            assertThat(Programs.await(egress, 0, 2)).isEqualTo(2);

            int ifindex = net.inside(() -> Interfaces.index(net.innerInterface()));
            assertThat(outLink.info().target()).isEqualTo(new LinkInfo.Tcx(ifindex, AttachType.TCX_EGRESS));
            assertThat(net.inside(() -> Links.query(net.innerInterface(), AttachType.TCX_INGRESS)))
                    .containsExactly(new AttachedProgram(in.info().id(), inLink.info().id(), 0));
        }
    }

    @Test
    @RequiresKernel(programTypes = ProgramType.NETFILTER)
    void netfilterCountsThePacketsOfItsNamespace() throws Exception {
        try (TestNetwork net = TestNetwork.create(); BpfMap counts = Programs.counters(1);
                BpfProgram program = Programs.load("nf", ProgramType.NETFILTER, AttachType.NETFILTER,
                        Programs.counting(counts, NF_ACCEPT));
                BpfLink link = net.inside(() -> Links.netfilter(program,
                        NetfilterOptions.of(NetfilterOptions.IPV4, NetfilterOptions.LOCAL_IN).withPriority(-128)))) {
            net.sendInward(3);
            assertThat(Programs.await(counts, 0, 3)).isEqualTo(3);
            assertThat(link.info().target()).isEqualTo(new LinkInfo.Netfilter(NetfilterOptions.IPV4,
                    NetfilterOptions.LOCAL_IN, -128, 0));
        }
    }

    @Test
    @RequiresKernel(programTypes = ProgramType.SK_LOOKUP)
    void skLookupRunsForEveryDatagramOfTheNamespace() throws Exception {
        try (TestNetwork net = TestNetwork.create(); BpfMap counts = Programs.counters(1);
                BpfProgram program = Programs.load("sk_lookup", ProgramType.SK_LOOKUP, AttachType.SK_LOOKUP,
                        Programs.counting(counts, SK_PASS));
                BpfLink link = Links.netns(net.namespaceFile(), program)) {
            net.sendInward(3);
            assertThat(Programs.await(counts, 0, 3)).isEqualTo(3);
            long inode = (Long) Files.getAttribute(net.namespaceFile(), "unix:ino");
            assertThat(link.info().target()).isEqualTo(new LinkInfo.Netns(inode, AttachType.SK_LOOKUP));
            assertThat(Links.query(net.namespaceFile(), AttachType.SK_LOOKUP))
                    .extracting(AttachedProgram::programId).containsExactly(program.info().id());
        }
    }

    @Test
    @RequiresKernel(programTypes = ProgramType.SOCKET_FILTER)
    void socketFilterOnAPacketSocketKeepsOnlyTheFramesItChooses() throws Exception {
        try (TestNetwork net = TestNetwork.create(); BpfMap counts = Programs.counters(1);
                BpfProgram filter = Programs.load("frames", ProgramType.SOCKET_FILTER,
                        Programs.keepingOnlyLength(counts, FRAME_LENGTH));
                PacketSocket socket = net.inside(() -> Links.packetSocket(net.innerInterface()));
                BpfLink link = Links.socketFilter(filter, socket)) {
            assertThat(socket.toString()).contains(net.innerInterface());
            net.sendInward(3);
            assertThat(Programs.await(counts, 0, 3)).isEqualTo(3);
            byte[] frame = new byte[2048];
            for (int i = 0; i < 3; i++) {
                // The filter returns 0 (drop) for every other frame (ARP, ICMP replies): only ours arrive.
                assertThat(socket.receive(frame, Duration.ofSeconds(2))).isEqualTo(FRAME_LENGTH);
            }
            assertThat(socket.receive(frame, Duration.ofMillis(50))).isEqualTo(-1);
        }
    }

    @Test
    void unknownInterfacesAreExplained() {
        try (BpfMap counts = Programs.counters(1);
                BpfProgram program = Programs.load("xdp", ProgramType.XDP, Programs.counting(counts, 2))) {
            assertThatThrownBy(() -> Links.xdp("e4j-missing0", program, XdpMode.GENERIC))
                    .isInstanceOf(BpfException.class)
                    .hasMessageContaining("no network interface 'e4j-missing0'");
            assertThatThrownBy(() -> Links.packetSocket("e4j-missing0")).isInstanceOf(BpfException.class)
                    .hasMessageContaining("no network interface 'e4j-missing0'");
        }
    }

    @Test
    @RequiresKernel(programTypes = ProgramType.XDP)
    void xdpOverNetlinkCountsUpdatesRefusesASecondProgramAndDetaches() throws Exception {
        try (TestNetwork net = TestNetwork.create(); BpfMap counts = Programs.counters(1);
                BpfMap others = Programs.counters(1);
                BpfProgram program = Programs.load("xdp", ProgramType.XDP, AttachType.XDP,
                        Programs.countingXdpFrames(counts, FRAME_LENGTH));
                BpfProgram other = Programs.load("xdp2", ProgramType.XDP, AttachType.XDP,
                        Programs.countingXdpFrames(others, FRAME_LENGTH))) {
            BpfLink link = net.inside(() -> Links.xdpNetlink(net.innerInterface(), program, XdpMode.GENERIC));
            try {
                assertThat(link.description()).isEqualTo("XDP (GENERIC) on " + net.innerInterface()
                        + " <- program 'xdp' (netlink)");
                net.sendInward(3);
                assertThat(Programs.await(counts, 0, 3)).isEqualTo(3);
                assertThat(ipLink(net)).contains("xdpgeneric");
                assertThatThrownBy(() -> net.inside(() -> Links.xdpNetlink(net.innerInterface(), other,
                        XdpMode.GENERIC))).isInstanceOf(BpfException.class)
                        .hasMessageContaining("already has an XDP program");
                assertThatThrownBy(link::info).isInstanceOf(NotSupportedException.class)
                        .hasMessageContaining("attached over netlink");

                link.update(other); // from this thread, outside the namespace: the link keeps its own socket
                assertThat(link.description()).endsWith("<- program 'xdp2' (netlink)");
                net.sendInward(2);
                assertThat(Programs.await(others, 0, 2)).isEqualTo(2);
            } finally {
                link.close();
            }
            assertThat(ipLink(net)).doesNotContain("xdp");
            net.sendInward(2);
            TestNetwork.settle();
            assertThat(Programs.read(others, 0)).isEqualTo(2);
            assertThat(Programs.read(counts, 0)).isEqualTo(3);
        }
    }

    @Test
    @RequiresKernel(programTypes = ProgramType.SCHED_CLS)
    void clsactFiltersOverNetlinkCountIngressAndEgressAndAreRemovedOnClose() throws Exception {
        try (TestNetwork net = TestNetwork.create(); BpfMap ingress = Programs.counters(1);
                BpfMap egress = Programs.counters(1); BpfMap replaced = Programs.counters(1);
                BpfProgram in = Programs.load("cls_in", ProgramType.SCHED_CLS,
                        Programs.countingSkbLength(ingress, FRAME_LENGTH, TCX_PASS));
                BpfProgram out = Programs.load("cls_out", ProgramType.SCHED_CLS,
                        Programs.countingSkbLength(egress, FRAME_LENGTH, TCX_PASS));
                BpfProgram replacement = Programs.load("cls_new", ProgramType.SCHED_CLS,
                        Programs.countingSkbLength(replaced, FRAME_LENGTH, TCX_PASS))) {
            BpfLink inLink = net.inside(() -> Links.clsact(net.innerInterface(), AttachType.TCX_INGRESS, in, 7));
            BpfLink outLink = net.inside(() -> Links.clsact(net.innerInterface(), AttachType.TCX_EGRESS, out, 0));
            try {
                assertThat(tc(net, "ingress")).contains("pref 7 bpf").contains("cls_in").contains("direct-action");
                assertThat(tc(net, "egress")).contains("cls_out").contains("direct-action");
                net.sendInward(3);
                net.sendOutward(2);
                assertThat(Programs.await(ingress, 0, 3)).isEqualTo(3);
                assertThat(Programs.await(egress, 0, 2)).isEqualTo(2);
                assertThatThrownBy(() -> net.inside(() -> Links.clsact(net.innerInterface(), AttachType.TCX_INGRESS,
                        replacement, 7))).isInstanceOf(BpfException.class)
                        .hasMessageContaining("a filter with priority 7 is already attached there");

                inLink.update(replacement);
                assertThat(tc(net, "ingress")).contains("pref 7 bpf").contains("cls_new").doesNotContain("cls_in");
                net.sendInward(2);
                assertThat(Programs.await(replaced, 0, 2)).isEqualTo(2);
            } finally {
                inLink.close();
                outLink.close();
            }
            assertThat(tc(net, "ingress")).doesNotContain("bpf");
            assertThat(tc(net, "egress")).doesNotContain("bpf");
            net.sendInward(2);
            TestNetwork.settle();
            assertThat(Programs.read(replaced, 0)).isEqualTo(2);
            assertThat(Programs.read(ingress, 0)).isEqualTo(3);
        }
    }

    @Test
    @RequiresKernel(programTypes = ProgramType.SCHED_CLS)
    void tcTakesTcxWhereTheKernelHasItAndClsactElsewhere() throws Exception {
        try (TestNetwork net = TestNetwork.create(); BpfMap counts = Programs.counters(1);
                BpfProgram program = Programs.load("tc", ProgramType.SCHED_CLS,
                        Programs.countingSkbLength(counts, FRAME_LENGTH, TCX_PASS));
                BpfLink link = net.inside(() -> Links.tc(net.innerInterface(), AttachType.TCX_INGRESS, program))) {
            net.sendInward(3);
            assertThat(Programs.await(counts, 0, 3)).isEqualTo(3);
            if (Features.hasTcx()) {
                assertThat(link.info().type()).isEqualTo(LinkType.TCX);
            } else {
                assertThat(link.description()).endsWith("(netlink)");
                assertThat(tc(net, "ingress")).contains("direct-action");
            }
        }
    }

    private static String ipLink(TestNetwork net) {
        return net.show("ip", "link", "show", net.innerInterface());
    }

    private static String tc(TestNetwork net, String side) {
        return net.show("tc", "filter", "show", "dev", net.innerInterface(), side);
    }

    @Test
    @RequiresKernel(programTypes = {ProgramType.XDP, ProgramType.SCHED_CLS})
    void noDescriptorLeaksOverNetlinkAttachments() throws Exception {
        try (TestNetwork net = TestNetwork.create(); BpfMap counts = Programs.counters(1);
                BpfProgram xdp = Programs.load("xdp", ProgramType.XDP, Programs.counting(counts, 2));
                BpfProgram cls = Programs.load("cls", ProgramType.SCHED_CLS, Programs.counting(counts, 0))) {
            String host = net.hostInterface();
            Links.xdpNetlink(host, xdp, XdpMode.GENERIC).close();
            Links.clsact(host, AttachType.TCX_INGRESS, cls, 0).close();
            FdCount.Snapshot before = FdCount.snapshot();
            for (int i = 0; i < 200; i++) {
                Links.xdpNetlink(host, xdp, XdpMode.GENERIC).close();
                Links.clsact(host, AttachType.TCX_INGRESS, cls, 0).close();
            }
            for (int i = 0; i < 50; i++) { // failures close what they opened too
                try (BpfLink held = Links.xdpNetlink(host, xdp, XdpMode.GENERIC)) {
                    assertThatThrownBy(() -> Links.xdpNetlink(host, xdp, XdpMode.GENERIC))
                            .isInstanceOf(BpfException.class);
                }
            }
            assertThat(before.openedSince()).isEmpty();
        }
    }

    @Test
    @RequiresKernel(programTypes = {ProgramType.XDP, ProgramType.SCHED_CLS, ProgramType.SOCKET_FILTER})
    void noDescriptorLeaksOverManyAttachments() throws Exception {
        // On the veth end in this namespace: the cycles run on several threads, which stay here.
        BpfProgram[] tcx = new BpfProgram[Cycles.THREADS]; // TCX takes each program once per hook
        try (TestNetwork net = TestNetwork.create(); BpfMap counts = Programs.counters(1);
                BpfProgram xdp = Programs.load("xdp", ProgramType.XDP, Programs.counting(counts, 2));
                BpfProgram filter = Programs.load("filter", ProgramType.SOCKET_FILTER,
                        Programs.counting(counts, 0));
                PacketSocket socket = Links.packetSocket(net.hostInterface())) {
            for (int i = 0; i < tcx.length; i++) {
                tcx[i] = Programs.load("tcx", ProgramType.SCHED_CLS, Programs.counting(counts, 0));
            }
            String host = net.hostInterface();
            Links.xdp(host, xdp, XdpMode.GENERIC).close();
            Links.tc(host, AttachType.TCX_INGRESS, tcx[0]).close();
            Links.packetSocket(host).close();
            // Keep one program of each kind attached elsewhere, as a busy machine would: otherwise every cycle
            // flips a kernel static key (code patching, ~25 ms).
            BpfLink keepXdp = net.inside(() -> Links.xdp(net.innerInterface(), xdp, XdpMode.GENERIC));
            BpfLink keepTc = net.inside(() -> Links.tc(net.innerInterface(), AttachType.TCX_INGRESS, tcx[0]));
            FdCount.Snapshot before = FdCount.snapshot();
            for (int i = 0; i < 1000; i++) {
                Links.xdp(host, xdp, XdpMode.GENERIC).close(); // one XDP program per interface at a time
            }
            // 200 TC cycles, not 1,000: each change waits for an RCU grace period under the RTNL lock (~25 ms).
            Cycles.run(200, thread -> Links.tc(host, AttachType.TCX_INGRESS, tcx[thread]).close());
            Cycles.run(1000, thread -> Links.packetSocket(host).close());
            Cycles.run(1000, thread -> Links.socketFilter(filter, socket).close());
            assertThat(before.openedSince()).isEmpty();
            keepXdp.close();
            keepTc.close();
        } finally {
            for (BpfProgram program : tcx) {
                if (program != null) {
                    program.close();
                }
            }
        }
    }
}
