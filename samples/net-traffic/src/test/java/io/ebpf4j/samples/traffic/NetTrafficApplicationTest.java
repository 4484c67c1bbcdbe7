package io.ebpf4j.samples.traffic;

import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.ManagedCollection;
import io.ebpf4j.testing.PrometheusText;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample as a user runs it, with {@code cgroup: self}: loopback UDP datagrams this JVM exchanges are counted as
 * udp packets and bytes, on egress (sent) and on ingress (received).
 *
 * <p>Where this JVM runs in the root of cgroup v2 (machines without systemd or containers), 'self' would be every
 * process of the host; the test therefore gives the JVM a cgroup of its own first ({@link OwnCgroup}).
 */
@RequiresKernel
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "ebpf.metrics.min-refresh=0s")
class NetTrafficApplicationTest {
    private static final int DATAGRAMS = 25;
    private static final int PAYLOAD = 100;
    /** What an IPv4 UDP datagram adds to its payload: 20 bytes of IPv4 header, 8 of UDP header. */
    private static final int HEADERS = 28;

    /**
     * Moves this JVM into a new cgroup under its current one, so that 'self' means this JVM only. A bean: it is
     * created before the starter attaches the programs (when the context starts) and destroyed after it has
     * detached them (when the context closes).
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class OwnCgroupConfiguration {
        @Bean
        OwnCgroup ownCgroup() throws IOException {
            return new OwnCgroup();
        }
    }

    static final class OwnCgroup implements DisposableBean {
        private final Path previous;
        final Path path;

        OwnCgroup() throws IOException {
            Path mount = Files.readAllLines(Path.of("/proc/self/mounts")).stream().map(line -> line.split(" "))
                    .filter(fields -> fields[2].equals("cgroup2")).map(fields -> Path.of(fields[1])).findFirst()
                    .orElseThrow(() -> new IllegalStateException("cgroup v2 is not mounted"));
            String current = Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
                    .filter(line -> line.startsWith("0::")).findFirst().orElseThrow().substring(3);
            previous = mount.resolve(current.substring(1));
            path = Files.createDirectories(previous.resolve("ebpf4j-net-traffic-test-" + ProcessHandle.current().pid()));
            moveThisJvmTo(path);
        }

        private static void moveThisJvmTo(Path cgroup) throws IOException {
            Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
        }

        @Override
        public void destroy() throws IOException {
            moveThisJvmTo(previous);
            Files.delete(path);
        }
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    OwnCgroup ownCgroup;

    @Autowired
    EbpfCollections collections;

    private final HttpClient http = HttpClient.newHttpClient();

    private PrometheusText scrape() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return PrometheusText.parse(response.body());
    }

    /** Sends datagrams to this JVM over loopback; each is received (ingress has run) before the next is sent. */
    private static void exchangeDatagrams() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (DatagramChannel receiver = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
                DatagramChannel sender = DatagramChannel.open()) {
            for (int i = 0; i < DATAGRAMS; i++) {
                sender.send(ByteBuffer.allocate(PAYLOAD), receiver.getLocalAddress());
                receiver.receive(ByteBuffer.allocate(PAYLOAD));
            }
        }
    }

    /** The udp/ipv4 counters of one direction. */
    record Udp(double packets, double bytes) {
        static Udp of(PrometheusText scrape, String direction) {
            String[] labels = {"protocol", "udp", "family", "ipv4", "direction", direction};
            return new Udp(scrape.value("ebpf_net_packets_total", labels).orElse(0.0),
                    scrape.value("ebpf_net_bytes_total", labels).orElse(0.0));
        }

        Udp minus(Udp before) {
            return new Udp(packets - before.packets, bytes - before.bytes);
        }
    }

    @Test
    void selfIsTheCgroupOfThisJvm() {
        ManagedCollection traffic = collections.get("traffic").orElseThrow();
        assertThat(traffic.status()).isEqualTo(ManagedCollection.Status.ATTACHED);
        assertThat(traffic.programs()).hasSize(2).allSatisfy(program -> assertThat(program.links())
                .singleElement().asString().contains("cgroup " + ownCgroup.path));
    }

    @Test
    void countsTheUdpDatagramsThisJvmExchangesInBothDirections() throws Exception {
        PrometheusText before = scrape();
        Udp sentBefore = Udp.of(before, "egress");
        Udp receivedBefore = Udp.of(before, "ingress");

        exchangeDatagrams();

        // A key the program added since the last read is published from the next scrape on.
        PrometheusText after = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(this::scrape, scrape -> Udp.of(scrape, "ingress").minus(receivedBefore).packets() >= DATAGRAMS
                        && Udp.of(scrape, "egress").minus(sentBefore).packets() >= DATAGRAMS);
        Udp sent = Udp.of(after, "egress").minus(sentBefore);
        Udp received = Udp.of(after, "ingress").minus(receivedBefore);
        assertThat(sent.bytes()).as("bytes sent").isGreaterThanOrEqualTo(DATAGRAMS * (PAYLOAD + HEADERS));
        assertThat(received.bytes()).as("bytes received").isGreaterThanOrEqualTo(DATAGRAMS * (PAYLOAD + HEADERS));
        assertThat(after.type("ebpf_net_packets_total")).contains("counter");
        assertThat(after.type("ebpf_net_bytes_total")).contains("counter");
        // The scrapes themselves are TCP over loopback, to and from this JVM.
        assertThat(after.value("ebpf_net_packets_total", "protocol", "tcp", "direction", "ingress")).isPresent();
    }
}
