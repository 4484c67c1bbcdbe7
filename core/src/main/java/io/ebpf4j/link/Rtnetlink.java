package io.ebpf4j.link;

import io.ebpf4j.BpfException;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.Nlattr;
import io.ebpf4j.internal.sys.Nlmsgerr;
import io.ebpf4j.internal.sys.Nlmsghdr;
import io.ebpf4j.internal.sys.SockaddrNl;
import io.ebpf4j.internal.sys.Timeval;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A {@code NETLINK_ROUTE} socket for the two attachments older kernels make without a bpf_link: XDP through
 * {@code IFLA_XDP} (before 5.9) and TC programs as {@code cls_bpf} filters on a {@code clsact} qdisc (before TCX,
 * 6.6). The socket belongs to the network namespace of the thread that opened it, so a link keeps its socket to
 * detach in the namespace it attached in, whichever thread closes it.
 *
 * <p>Each request asks for an acknowledgement and waits for it (at most {@link #REPLY_TIMEOUT_SECONDS}); the
 * kernel's extended acknowledgement message, when it sends one, becomes part of the error.
 */
final class Rtnetlink implements AutoCloseable {
    static final int RTM_SETLINK = 19;
    static final int RTM_NEWQDISC = 36;
    static final int RTM_NEWTFILTER = 44;
    static final int RTM_DELTFILTER = 45;

    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_ECHO = 0x8;
    static final int NLM_F_REPLACE = 0x100;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;

    private static final int AF_NETLINK = 16;
    private static final int NETLINK_ROUTE = 0;
    private static final int SOCK_RAW = 3;
    private static final int SOL_NETLINK = 270;
    private static final int NETLINK_CAP_ACK = 10;
    private static final int NETLINK_EXT_ACK = 11;
    private static final int NLMSG_ERROR = 2;
    private static final int NLM_F_ACK_TLVS = 0x200;
    private static final int NLMSGERR_ATTR_MSG = 1;
    private static final int REPLY_TIMEOUT_SECONDS = 5;

    private final Fd socket;
    private final NativeBuffer io = new NativeBuffer(32 * 1024);
    private int sequence;
    private String lastExplanation = "";
    private byte[] lastEcho;

    /** Opens a socket in the calling thread's network namespace. */
    Rtnetlink() {
        int fd = LibC.socket(AF_NETLINK, SOCK_RAW | LibC.SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0) {
            throw Errors.of("open a NETLINK_ROUTE socket", LibC.errno(), "CAP_NET_ADMIN");
        }
        socket = Fd.own(fd, "rtnetlink socket");
        try {
            ByteBuffer b = io.buffer();
            b.putInt(0, 1);
            // Short acknowledgements with the kernel's explanation; both options are best effort (Linux 4.12+).
            LibC.setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, io.address(), Integer.BYTES);
            LibC.setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, io.address(), Integer.BYTES);
            io.clear(Timeval.BYTES);
            b.putLong(Timeval.TV_SEC, REPLY_TIMEOUT_SECONDS);
            LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, io.address(), Timeval.BYTES);
            io.clear(SockaddrNl.BYTES);
            b.putShort(SockaddrNl.NL_FAMILY, (short) AF_NETLINK); // port id 0: the kernel assigns one
            if (LibC.bind(fd, io.address(), SockaddrNl.BYTES) != 0) {
                throw Errors.of("bind a NETLINK_ROUTE socket", LibC.errno(), "CAP_NET_ADMIN");
            }
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** A request: a netlink header, a fixed family header, then attributes. */
    static final class Message {
        private final ByteBuffer buffer = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());
        private int nested = -1;

        Message(int type, int flags) {
            buffer.putShort(Nlmsghdr.NLMSG_TYPE, (short) type);
            buffer.putShort(Nlmsghdr.NLMSG_FLAGS, (short) (flags | NLM_F_REQUEST | NLM_F_ACK));
            buffer.position(Nlmsghdr.BYTES); // length and sequence number are set when sent
        }

        /**
         * Appends the family header ({@code struct tcmsg}, {@code struct ifinfomsg}) of {@code size} bytes, zero but
         * for what {@code fields} writes at offsets from its start.
         */
        Message familyHeader(int size, Consumer<ByteBuffer> fields) {
            fields.accept(buffer.slice(buffer.position(), size).order(ByteOrder.nativeOrder()));
            buffer.position(buffer.position() + size);
            return this;
        }

        Message attribute(int type, int value) {
            buffer.putShort((short) (Nlattr.BYTES + Integer.BYTES)).putShort((short) type).putInt(value);
            return this;
        }

        Message attribute(int type, String value) {
            byte[] text = value.getBytes(StandardCharsets.US_ASCII);
            int length = Nlattr.BYTES + text.length + 1;
            buffer.putShort((short) length).putShort((short) type).put(text).put((byte) 0);
            align();
            return this;
        }

        /** Starts a nested attribute; attributes up to {@link #end()} go inside it. */
        Message begin(int type) {
            nested = buffer.position();
            buffer.putShort((short) 0).putShort((short) (type | 0x8000)); // NLA_F_NESTED
            return this;
        }

        Message end() {
            buffer.putShort(nested, (short) (buffer.position() - nested));
            nested = -1;
            return this;
        }

        private void align() {
            while ((buffer.position() & 3) != 0) {
                buffer.put((byte) 0);
            }
        }

        int length() {
            return buffer.position();
        }
    }

    /**
     * Sends {@code message} and waits for the kernel's acknowledgement.
     *
     * @return 0, or the kernel's {@code -errno} with its explanation in {@link #lastExplanation()}
     */
    int request(Message message) {
        lastExplanation = "";
        lastEcho = null;
        int seq = ++sequence;
        ByteBuffer out = message.buffer;
        out.putInt(Nlmsghdr.NLMSG_LEN, out.position()).putInt(Nlmsghdr.NLMSG_SEQ, seq);
        ByteBuffer b = io.buffer();
        b.clear();
        b.put(0, out.array(), 0, out.position());
        int raw = socket.acquire();
        try {
            if (LibC.write(raw, io.address(), out.position()) < 0) {
                throw Errors.of("send a netlink request", LibC.errno(), "CAP_NET_ADMIN");
            }
            for (;;) {
                long n = LibC.recv(raw, io.address(), io.capacity(), 0);
                if (n < 0) {
                    int errno = LibC.errno();
                    if (errno == Errno.EINTR) {
                        continue;
                    }
                    throw new BpfException("no netlink acknowledgement within " + REPLY_TIMEOUT_SECONDS + " s: "
                            + Errno.describe(errno), errno);
                }
                for (int at = 0, length; at + Nlmsghdr.BYTES <= n; at += (length + 3) & ~3) {
                    length = b.getInt(at + Nlmsghdr.NLMSG_LEN);
                    if (length < Nlmsghdr.BYTES || at + length > n) {
                        throw new BpfException("malformed netlink reply (message length " + length + ")");
                    }
                    if (b.getInt(at + Nlmsghdr.NLMSG_SEQ) != seq) {
                        continue; // a late reply to an earlier request that gave up waiting
                    }
                    int body = at + Nlmsghdr.BYTES;
                    if (Short.toUnsignedInt(b.getShort(at + Nlmsghdr.NLMSG_TYPE)) != NLMSG_ERROR) {
                        lastEcho = new byte[length - Nlmsghdr.BYTES]; // what the kernel created, for NLM_F_ECHO
                        b.get(body, lastEcho);
                        continue;
                    }
                    int error = b.getInt(body + Nlmsgerr.ERROR);
                    if ((Short.toUnsignedInt(b.getShort(at + Nlmsghdr.NLMSG_FLAGS)) & NLM_F_ACK_TLVS) != 0) {
                        // NETLINK_CAP_ACK: the request's header without its body, then the attributes
                        lastExplanation = explanation(b, body + Nlmsgerr.BYTES, at + length);
                    }
                    return error;
                }
            }
        } finally {
            socket.release();
        }
    }

    /** The body (after the netlink header) of the message the kernel echoed for the last request, or null. */
    byte[] lastEcho() {
        return lastEcho;
    }

    /** The kernel's extended acknowledgement text for the last failed request, or an empty string. */
    String lastExplanation() {
        return lastExplanation;
    }

    private static String explanation(ByteBuffer b, int from, int to) {
        for (int at = from; at + Nlattr.BYTES <= to; ) {
            int length = Short.toUnsignedInt(b.getShort(at + Nlattr.NLA_LEN));
            int type = b.getShort(at + Nlattr.NLA_TYPE) & 0x3fff;
            if (length < Nlattr.BYTES || at + length > to) {
                break;
            }
            if (type == NLMSGERR_ATTR_MSG) {
                int value = at + Nlattr.BYTES;
                int end = value;
                while (end < at + length && b.get(end) != 0) {
                    end++;
                }
                byte[] text = new byte[end - value];
                b.get(value, text);
                return new String(text, StandardCharsets.UTF_8);
            }
            at += (length + 3) & ~3;
        }
        return "";
    }

    @Override
    public void close() {
        socket.close();
    }
}
