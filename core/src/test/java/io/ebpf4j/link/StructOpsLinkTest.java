package io.ebpf4j.link;

import io.ebpf4j.BpfCollection;
import io.ebpf4j.BpfException;
import io.ebpf4j.CollectionSpec;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramType;
import io.ebpf4j.btf.Array;
import io.ebpf4j.btf.Int;
import io.ebpf4j.btf.Member;
import io.ebpf4j.btf.Struct;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.Fixtures;
import io.ebpf4j.testing.KernelFeature;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * struct_ops from C objects: a BPF TCP congestion control (tcp_cc.c) registered by its map update
 * ({@code SEC(".struct_ops")}) or through a bpf_link ({@code SEC(".struct_ops.link")}), used by a loopback
 * connection, and gone once unregistered.
 */
@RequiresKernel(programTypes = ProgramType.STRUCT_OPS, features = KernelFeature.BPF_LINK)
class StructOpsLinkTest {
    private static final Path AVAILABLE = Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control");
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_CONGESTION = 13;
    private static final int TCP_CA_NAME_MAX = 16;

    private static List<String> availableCongestionControls() throws IOException {
        return List.of(Files.readString(AVAILABLE).trim().split("\\s+"));
    }

    /**
     * Connects over loopback, switches the client to congestion control {@code name} (which runs its .init on the
     * established connection) and sends a few bytes through it.
     *
     * @return the congestion control the client socket reports afterwards
     */
    private static String connectWith(String name) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(loopback, 0));
                SocketChannel client = SocketChannel.open(server.getLocalAddress());
                SocketChannel accepted = server.accept()) {
            int fd = Sockets.fdOf(client);
            byte[] wanted = name.getBytes(StandardCharsets.US_ASCII);
            NativeBuffer value = new NativeBuffer(TCP_CA_NAME_MAX).put(0, wanted, 0, wanted.length);
            if (LibC.setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, value.address(), wanted.length) != 0) {
                throw new BpfException("setsockopt(TCP_CONGESTION, " + name + ")", LibC.errno());
            }
            byte[] message = "through the BPF congestion control".getBytes(StandardCharsets.US_ASCII);
            client.write(ByteBuffer.wrap(message));
            ByteBuffer received = ByteBuffer.allocate(message.length);
            while (received.hasRemaining() && accepted.read(received) >= 0) {
                // blocking reads until the whole message arrived
            }
            assertThat(received.array()).isEqualTo(message);
            NativeBuffer length = new NativeBuffer(4);
            length.buffer().putInt(0, TCP_CA_NAME_MAX);
            value.clear(TCP_CA_NAME_MAX);
            if (LibC.getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, value.address(), length.address()) != 0) {
                throw new BpfException("getsockopt(TCP_CONGESTION)", LibC.errno());
            }
            return value.getCString(0, TCP_CA_NAME_MAX);
        }
    }

    @Test
    void structOpsMapIsRegisteredByAttachingNotByLoading() throws IOException {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("tcp_cc.bpf.o"));
        try (BpfCollection coll = BpfCollection.load(spec)) {
            assertThat(availableCongestionControls()).as("loading registers nothing").doesNotContain("ebpf4j_cc");
            assertThat(coll.map("ebpf4j_cc").type()).isEqualTo(MapType.STRUCT_OPS);
            assertThat(coll.map("ebpf4j_cc").valueSize()).as("struct bpf_struct_ops_tcp_congestion_ops")
                    .isGreaterThan(spec.maps().get("ebpf4j_cc").valueSize());
            try (BpfLink registration = coll.attachStructOps("ebpf4j_cc")) {
                assertThat(availableCongestionControls()).contains("ebpf4j_cc");
                assertThat(connectWith("ebpf4j_cc")).isEqualTo("ebpf4j_cc");
                assertThat(coll.variable("init_calls").getLong()).as(".init ran for the connection").isEqualTo(1);
            }
            assertThat(availableCongestionControls()).doesNotContain("ebpf4j_cc");
            assertThatThrownBy(() -> coll.attachStructOps("ebpf4j_cc")).isInstanceOf(BpfException.class)
                    .hasMessageContaining("registers a struct_ops map once");
        }
        try (BpfCollection coll = BpfCollection.load(spec)) {
            coll.attachStructOps("ebpf4j_cc"); // left registered: closing the collection unregisters it
            assertThat(availableCongestionControls()).contains("ebpf4j_cc");
        }
        assertThat(availableCongestionControls()).doesNotContain("ebpf4j_cc");
    }

    @Test
    @RequiresKernel(features = KernelFeature.STRUCT_OPS_LINK)
    void structOpsLinkMapIsRegisteredWhileItsLinkIsOpenAndTheLinkCanSwitchMaps() throws IOException {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("tcp_cc_link.bpf.o"));
        try (BpfCollection coll = BpfCollection.load(spec); BpfCollection other = BpfCollection.load(spec)) {
            assertThat(availableCongestionControls()).as("loading only stores the value")
                    .doesNotContain("ebpf4j_cc_link");
            try (BpfLink link = coll.attachStructOps("ebpf4j_cc_link")) {
                assertThat(availableCongestionControls()).contains("ebpf4j_cc_link");
                assertThat(link.info().type()).isEqualTo(LinkType.STRUCT_OPS);
                assertThat(connectWith("ebpf4j_cc_link")).isEqualTo("ebpf4j_cc_link");
                assertThat(coll.variable("init_calls").getLong()).isEqualTo(1);

                ((StructOpsLink) link).update(other.map("ebpf4j_cc_link"));
                assertThat(connectWith("ebpf4j_cc_link")).isEqualTo("ebpf4j_cc_link");
                assertThat(other.variable("init_calls").getLong()).as("the other map's programs run now")
                        .isEqualTo(1);
                assertThat(coll.variable("init_calls").getLong()).isEqualTo(1);
            }
            assertThat(availableCongestionControls()).doesNotContain("ebpf4j_cc_link");
        }
    }

    @Test
    void aNameTakenByAnotherRegistrationIsExplainedWhenAttaching() throws IOException {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("tcp_cc.bpf.o"));
        // A second map with the same value: it registers the same name as the first.
        MapSpec twin = spec.maps().get("ebpf4j_cc").copy().name("ebpf4j_cc_twin");
        spec.maps().put(twin.name(), twin);
        try (BpfCollection coll = BpfCollection.load(spec); BpfLink first = coll.attachStructOps("ebpf4j_cc")) {
            assertThatThrownBy(() -> coll.attachStructOps("ebpf4j_cc_twin")).isInstanceOf(BpfException.class)
                    .hasMessageContaining("register struct_ops map 'ebpf4j_cc_twin' (struct tcp_congestion_ops)")
                    .hasMessageContaining("already registered")
                    .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.EEXIST));
            assertThat(availableCongestionControls()).as("the first registration stays").contains("ebpf4j_cc");
        }
        assertThat(availableCongestionControls()).doesNotContain("ebpf4j_cc");
    }

    @Test
    void incompleteOpsLoadAndAreRefusedWhenAttached() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("tcp_cc.bpf.o"));
        spec.maps().get("ebpf4j_cc").structOpsPrograms().remove("ssthresh"); // the kernel requires it
        spec.programs().get("cc_ssthresh").autoload(false);
        try (BpfCollection coll = BpfCollection.load(spec)) {
            assertThatThrownBy(() -> coll.attachStructOps("ebpf4j_cc")).isInstanceOf(BpfException.class)
                    .hasMessageContaining("register struct_ops map 'ebpf4j_cc'")
                    .hasMessageContaining("a member it requires may be missing");
        }
    }

    @Test
    void aStructOpsMapLeftUncreatedLeavesOutItsPrograms() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("tcp_cc.bpf.o"));
        MapSpec map = spec.maps().get("ebpf4j_cc");
        Struct local = (Struct) map.valueType();
        map.valueType(new Struct("no_such_ops", local.size(), local.members()));
        assertThatThrownBy(() -> BpfCollection.load(spec)).isInstanceOf(NotSupportedException.class);

        map.autocreate(false);
        try (BpfCollection coll = BpfCollection.load(spec)) {
            assertThat(coll.maps()).doesNotContainKey("ebpf4j_cc");
            assertThat(coll.programs()).as("struct_ops programs only that map calls").isEmpty();
        }
    }

    @Test
    void membersTheKernelLacksAreRefusedUnlessZero() throws IOException {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("tcp_cc.bpf.o"));
        MapSpec map = spec.maps().get("ebpf4j_cc");
        Struct local = (Struct) map.valueType();
        byte[] value = (byte[]) map.contents().get(0).value();
        List<Member> members = new ArrayList<>(local.members());
        members.add(new Member("from_the_future", new Int("int", 4, Int.Encoding.SIGNED), local.size() * 8));
        Struct newer = new Struct(local.name(), local.size() + 8, members);
        map.valueType(newer).valueSize(newer.size());

        byte[] unset = Arrays.copyOf(value, newer.size());
        map.contents(List.of(new MapSpec.Entry(0, unset)));
        try (BpfCollection coll = BpfCollection.load(spec); BpfLink registration = coll.attachStructOps("ebpf4j_cc")) {
            assertThat(availableCongestionControls()).as("a zero member the kernel lacks is left out")
                    .contains("ebpf4j_cc");
        }

        byte[] set = unset.clone();
        set[local.size()] = 1;
        map.contents(List.of(new MapSpec.Entry(0, set)));
        FdCount.Snapshot before = FdCount.snapshot();
        assertThatThrownBy(() -> BpfCollection.load(spec)).isInstanceOf(NotSupportedException.class)
                .hasMessageContaining("member 'from_the_future' of struct tcp_congestion_ops")
                .hasMessageContaining("this kernel's struct tcp_congestion_ops has no such member");
        assertThat(before.openedSince()).as("refused before anything was created").isEmpty();
    }

    @Test
    void membersOfAnotherSizeAndUnknownStructsAreRefused() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("tcp_cc.bpf.o"));
        MapSpec map = spec.maps().get("ebpf4j_cc");
        Struct local = (Struct) map.valueType();
        List<Member> members = new ArrayList<>(local.members());
        Member name = members.get(0);
        Array shortName = new Array(new Int("char", 1, Int.Encoding.SIGNED), new Int("int", 4, Int.Encoding.UNSIGNED), 8);
        members.set(0, name.withType(shortName));
        map.valueType(new Struct(local.name(), local.size(), members));
        assertThatThrownBy(() -> BpfCollection.load(spec)).isInstanceOf(BpfException.class)
                .hasMessageContaining("member 'name' of struct tcp_congestion_ops: 8 bytes in the object but 16 "
                        + "bytes in this kernel");

        map.valueType(new Struct("no_such_ops", local.size(), local.members()));
        assertThatThrownBy(() -> BpfCollection.load(spec)).isInstanceOf(NotSupportedException.class)
                .hasMessageContaining("struct_ops map 'ebpf4j_cc'")
                .hasMessageContaining("no struct bpf_struct_ops_no_such_ops");
    }

    @Test
    void aStructOpsProgramNoMapCallsIsRefused() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("tcp_cc.bpf.o"));
        spec.maps().get("ebpf4j_cc").structOpsPrograms().remove("init");
        assertThatThrownBy(() -> BpfCollection.load(spec)).isInstanceOf(BpfException.class)
                .hasMessageContaining("struct_ops program 'cc_init' (section struct_ops/cc_init) is not called by "
                        + "any struct_ops map");
    }
}
