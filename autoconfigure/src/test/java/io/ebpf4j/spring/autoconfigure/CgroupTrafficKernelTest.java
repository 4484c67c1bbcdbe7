package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.TypedMap;
import io.ebpf4j.internal.Mounts;
import io.ebpf4j.spring.BpfMapRef;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.ManagedCollection;
import io.ebpf4j.spring.ManagedCollection.ProgramState;
import io.ebpf4j.testing.RequiresKernel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cgroup_skb collection attached to {@code cgroup: self} counts this JVM's traffic and nothing else. On this kind
 * of machine the JVM sits in the root of cgroup v2, where 'self' would mean every process: the test first moves
 * the JVM into a cgroup of its own, so that 'self' is this JVM only, and moves it back afterwards.
 */
@RequiresKernel
class CgroupTrafficKernelTest {
    private static final int DATAGRAMS = 5;
    private static final int PAYLOAD = 100;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EbpfAutoConfiguration.class))
            .withPropertyValues("ebpf.collections.net.object=classpath:bpf/cgroup_traffic.bpf.o",
                    "ebpf.collections.net.programs.count_ingress.cgroup=self",
                    "ebpf.collections.net.programs.count_egress.cgroup=self")
            .withBean(TrafficCounter.class);

    private Path cgroupRoot;
    private Path ownCgroup;

    @BeforeEach
    void moveIntoOwnCgroup() throws IOException {
        cgroupRoot = Mounts.find(Mounts.CGROUP2).orElseThrow();
        ownCgroup = Files.createDirectories(cgroupRoot.resolve("ebpf4j-starter-test-" + ProcessHandle.current().pid()));
        Files.writeString(ownCgroup.resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
    }

    @AfterEach
    void moveBack() throws IOException {
        Files.writeString(cgroupRoot.resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
        Files.delete(ownCgroup);
    }

    @Test
    void selfIsThisJvmsCgroup() {
        assertThat(SelfTargets.cgroup()).isEqualTo(ownCgroup);
        runner.run(context -> {
            ManagedCollection net = context.getBean(EbpfCollections.class).get("net").orElseThrow();
            assertThat(net.programs()).extracting(ProgramState::attach)
                    .containsExactly("cgroup", "cgroup");
            assertThat(net.programs()).allSatisfy(program -> assertThat(program.links()).singleElement().asString()
                    .contains("cgroup " + ownCgroup));
        });
    }

    @Test
    void countsThisJvmsLoopbackTrafficAndNotOtherProcesses() {
        runner.run(context -> {
            TrafficCounter counter = context.getBean(TrafficCounter.class);
            Traffic ingressBefore = counter.ingress();
            Traffic egressBefore = counter.egress();
            exchangeDatagrams();
            Traffic ingress = counter.ingress();
            Traffic egress = counter.egress();
            assertThat(egress.packets() - egressBefore.packets()).isGreaterThanOrEqualTo(DATAGRAMS);
            assertThat(ingress.packets() - ingressBefore.packets()).isGreaterThanOrEqualTo(DATAGRAMS);
            // IPv4 + UDP headers come on top of the payload.
            assertThat(egress.bytes() - egressBefore.bytes()).isGreaterThanOrEqualTo((long) DATAGRAMS * PAYLOAD);

            runOtherProcessExchangingDatagrams();
            assertThat(counter.ingress()).as("another process's loopback traffic").isEqualTo(ingress);
            assertThat(counter.egress()).as("another process's loopback traffic").isEqualTo(egress);
        });
    }

    private static void exchangeDatagrams() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (DatagramChannel receiver = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
                DatagramChannel sender = DatagramChannel.open()) {
            for (int i = 0; i < DATAGRAMS; i++) {
                sender.send(ByteBuffer.allocate(PAYLOAD), receiver.getLocalAddress());
                receiver.receive(ByteBuffer.allocate(PAYLOAD)); // blocks until delivered: ingress has run
            }
        }
    }

    private static void runOtherProcessExchangingDatagrams() throws Exception {
        String script = "import socket\n"
                + "r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); r.bind(('127.0.0.1', 0))\n"
                + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                + "for _ in range(5):\n"
                + "    s.sendto(b'x' * 100, r.getsockname()); r.recv(100)\n";
        // The child starts in this JVM's cgroup: move it to the root before it sends anything.
        Process child = new ProcessBuilder("python3", "-c", "import sys; sys.stdin.readline()\n" + script)
                .redirectErrorStream(true).start();
        Files.writeString(Path.of(Mounts.find(Mounts.CGROUP2).orElseThrow().toString(), "cgroup.procs"),
                Long.toString(child.pid()));
        child.getOutputStream().write('\n');
        child.getOutputStream().flush();
        String output = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor()).as(output).isZero();
    }

    record Traffic(long packets, long bytes) {}

    static class TrafficCounter {
        private final TypedMap<Integer, Traffic> traffic;

        TrafficCounter(@BpfMapRef(collection = "net", map = "traffic") TypedMap<Integer, Traffic> traffic) {
            this.traffic = traffic;
        }

        Traffic ingress() {
            return traffic.get(0).orElseThrow();
        }

        Traffic egress() {
            return traffic.get(1).orElseThrow();
        }
    }
}
