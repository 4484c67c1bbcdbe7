package io.ebpf4j.link;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.SockaddrLl;
import io.ebpf4j.internal.sys.Timeval;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A raw {@code AF_PACKET} socket bound to one network interface: it receives every frame the interface sends and
 * receives, Ethernet header included. Made by {@link Links#packetSocket}; attach a socket filter to it with
 * {@link Links#socketFilter(BpfProgram, PacketSocket)} to see (and choose) which frames it keeps.
 * Needs CAP_NET_RAW. Owns its descriptor: {@link #close()} closes the socket.
 */
public final class PacketSocket implements AutoCloseable {
    private static final int ETH_P_ALL = 0x0003;

    private final Fd fd;
    private final String interfaceName;
    private final int interfaceIndex;
    private final NativeBuffer buffer = new NativeBuffer(65536);
    private long timeoutMillis = -1;

    private PacketSocket(Fd fd, String interfaceName, int interfaceIndex) {
        this.fd = fd;
        this.interfaceName = interfaceName;
        this.interfaceIndex = interfaceIndex;
    }

    static PacketSocket open(String interfaceName) {
        int index = Interfaces.index(interfaceName);
        // Protocol 0 receives nothing until bind() names the interface, so no frame of another one slips in.
        int raw = LibC.socket(LibC.AF_PACKET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, 0);
        if (raw < 0) {
            throw Errors.of("open a packet socket for " + interfaceName, LibC.errno(), "CAP_NET_RAW");
        }
        Fd fd = Fd.own(raw, "packet socket on " + interfaceName);
        try {
            NativeBuffer address = new NativeBuffer(SockaddrLl.BYTES);
            ByteBuffer a = address.buffer();
            a.putShort(SockaddrLl.SLL_FAMILY, (short) LibC.AF_PACKET);
            a.putShort(SockaddrLl.SLL_PROTOCOL, Short.reverseBytes((short) ETH_P_ALL)); // network byte order
            a.putInt(SockaddrLl.SLL_IFINDEX, index);
            int bound = LibC.bind(raw, address.address(), SockaddrLl.BYTES);
            Reference.reachabilityFence(address); // the kernel got its address only
            if (bound != 0) {
                throw Errors.of("bind packet socket to " + interfaceName, LibC.errno(), "CAP_NET_RAW");
            }
            return new PacketSocket(fd, interfaceName, index);
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** The socket's descriptor number, valid until {@link #close()}. */
    public int fd() {
        return fd.number();
    }

    public String interfaceName() {
        return interfaceName;
    }

    public int interfaceIndex() {
        return interfaceIndex;
    }

    /**
     * Receives one frame into {@code into} (as much of it as fits), waiting at most {@code timeout}.
     *
     * @return the frame's length, or -1 if none arrived in time
     */
    public synchronized int receive(byte[] into, Duration timeout) {
        int raw = fd.acquire();
        try {
            // SO_RCVTIMEO of 0 would mean "wait forever".
            setTimeout(raw, Math.max(1, timeout.toMillis()));
            long n = LibC.read(raw, buffer.address(), buffer.capacity());
            if (n < 0) {
                int errno = LibC.errno();
                if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                    return -1;
                }
                throw Errors.of("receive on packet socket " + interfaceName, errno, "CAP_NET_RAW");
            }
            buffer.get(0, into, 0, (int) Math.min(n, into.length));
            return (int) n;
        } finally {
            fd.release();
        }
    }

    /** Drops the frames already queued, without waiting: they arrived before a filter could choose them. */
    synchronized void discardQueued() {
        int raw = fd.acquire();
        try {
            while (LibC.recv(raw, buffer.address(), buffer.capacity(), LibC.MSG_DONTWAIT) >= 0) {
                // keep draining until the queue is empty (EAGAIN)
            }
        } finally {
            fd.release();
        }
    }

    private void setTimeout(int raw, long millis) {
        if (millis == timeoutMillis) {
            return;
        }
        NativeBuffer timeval = new NativeBuffer(Timeval.BYTES);
        timeval.buffer().putLong(Timeval.TV_SEC, millis / 1000);
        timeval.buffer().putLong(Timeval.TV_USEC, millis % 1000 * 1000);
        if (LibC.setsockopt(raw, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeval.address(), Timeval.BYTES) != 0) {
            throw new BpfException("set receive timeout on packet socket " + interfaceName + ": "
                    + Errno.describe(LibC.errno()));
        }
        timeoutMillis = millis;
    }

    public boolean isClosed() {
        return fd.isClosed();
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "PacketSocket[" + interfaceName + " (" + interfaceIndex + ")" + (isClosed() ? ", closed" : "") + "]";
    }
}
