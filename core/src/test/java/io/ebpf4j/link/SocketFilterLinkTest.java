package io.ebpf4j.link;

import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramType;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RequiresKernel(programTypes = ProgramType.SOCKET_FILTER)
class SocketFilterLinkTest {

    private static void sendAndReceive(DatagramChannel sender, DatagramChannel receiver, int count)
            throws Exception {
        for (int i = 0; i < count; i++) {
            sender.send(ByteBuffer.wrap(new byte[TestNetwork.PAYLOAD]), receiver.getLocalAddress());
            receiver.receive(ByteBuffer.allocate(128));
        }
    }

    @Test
    void filterOnAJavaSocketCanBeSwappedAndDetached() throws Exception {
        try (BpfMap first = Programs.counters(1); BpfMap second = Programs.counters(1);
                BpfProgram one = Programs.load("one", ProgramType.SOCKET_FILTER, Programs.counting(first, -1));
                BpfProgram two = Programs.load("two", ProgramType.SOCKET_FILTER, Programs.counting(second, -1));
                DatagramChannel receiver = DatagramChannel.open();
                DatagramChannel sender = DatagramChannel.open()) {
            receiver.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (BpfLink link = Links.socketFilter(one, receiver)) {
                sendAndReceive(sender, receiver, 3);
                link.update(two);
                sendAndReceive(sender, receiver, 2);
                link.detach();
                sendAndReceive(sender, receiver, 1);
                assertThat(Programs.read(first, 0)).isEqualTo(3);
                assertThat(Programs.read(second, 0)).isEqualTo(2);
                assertThatThrownBy(() -> link.pin("/sys/fs/bpf/never")).isInstanceOf(NotSupportedException.class)
                        .hasMessageContaining("setsockopt");
                assertThat(link.pinnedPath()).isEmpty();
            }
        }
    }

    @Test
    void noDescriptorLeaksOverAThousandAttachments() throws Exception {
        try (BpfMap counts = Programs.counters(1);
                BpfProgram program = Programs.load("cycle", ProgramType.SOCKET_FILTER, Programs.counting(counts, -1));
                DatagramChannel socket = DatagramChannel.open()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int fd = Sockets.fdOf(socket);
            FdCount.Snapshot before = FdCount.snapshot();
            Cycles.run(1000, thread -> Links.socketFilter(program, fd).close());
            assertThat(before.openedSince()).isEmpty();
        }
    }
}
