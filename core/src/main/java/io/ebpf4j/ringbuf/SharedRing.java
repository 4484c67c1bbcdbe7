package io.ebpf4j.ringbuf;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.MapType;
import io.ebpf4j.internal.Os;
import io.ebpf4j.internal.sys.BpfRingbufHdr;
import io.ebpf4j.internal.sys.Descriptors;
import io.ebpf4j.internal.sys.Epoll;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.Mapping;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The memory layout both ring buffer map types share, mapped into this process: a consumer page holding
 * {@code consumer_pos}, a producer page holding {@code producer_pos}, then the data area. The kernel maps the data
 * area twice in a row, so a record that wraps past the end is still contiguous: every record can be read (or
 * written) in place. Each record starts with an 8-byte header, a u32 length whose top bits flag a record still
 * being written (busy) or thrown away (discarded), and is padded to 8 bytes.
 *
 * <p>For a {@code RINGBUF} the kernel produces and user space consumes, so only the consumer page is writable here;
 * for a {@code USER_RINGBUF} it is the other way round.
 */
final class SharedRing {
    static final int BUSY_BIT = 1 << 31;
    static final int DISCARD_BIT = 1 << 30;
    static final int LENGTH_MASK = ~(BUSY_BIT | DISCARD_BIT);

    final String description;
    final Mapping mapping;
    /** Holds the map's descriptor, ready when the other side has produced (RINGBUF) or consumed (USER_RINGBUF). */
    final Epoll epoll;
    /** The consumer page; {@code consumer_pos} is at offset 0. */
    final ByteBuffer consumer;
    /** The producer page; {@code producer_pos} is at offset 0. */
    final ByteBuffer producer;
    /** The data area, twice (capped at the largest buffer Java can address, which every record fits below). */
    final ByteBuffer data;
    /** Where {@code consumer_pos} is, for stores without the buffer ({@link io.ebpf4j.internal.sys.DirectMemory}). */
    final long consumerAddress;
    /** Where the data area starts, for reads without the buffer ({@link io.ebpf4j.internal.sys.DirectMemory}). */
    final long dataAddress;
    final int size;
    final long mask;

    private SharedRing(String description, Mapping mapping, Epoll epoll, int size, int page) {
        this.description = description;
        this.mapping = mapping;
        this.epoll = epoll;
        this.size = size;
        this.mask = size - 1L;
        this.consumer = mapping.unsafeBuffer(0, page);
        this.producer = mapping.unsafeBuffer(page, page);
        this.data = mapping.unsafeBuffer(2L * page, Math.min(2L * size, Integer.MAX_VALUE));
        this.dataAddress = mapping.address() + 2L * page;
        this.consumerAddress = mapping.address();
    }

    /**
     * Maps {@code map}, which must be of type {@code expected}, and adds its descriptor to a new epoll set.
     *
     * @param user what maps it, for errors: {@code "ring buffer reader"} or {@code "user ring buffer"}
     * @param epollEvents the readiness to wait for
     */
    static SharedRing map(BpfMap map, MapType expected, String user, int epollEvents) {
        Objects.requireNonNull(map, "map");
        if (map.type() != expected) {
            throw new IllegalArgumentException("map '" + map.name() + "' is a " + map.type() + " map, but a " + user
                    + " needs a " + expected + " map" + hint(map.type()));
        }
        String description = user + " of map '" + map.name() + "'";
        int page = Os.pageSize();
        int size = map.maxEntries();
        int fd;
        try {
            fd = Descriptors.of(map).acquire();
        } catch (BpfException closed) {
            throw new BpfException("cannot open a " + user + ": " + closed.getMessage(), closed);
        }
        try {
            boolean kernelProduces = expected == MapType.RINGBUF;
            int consumerProt = LibC.PROT_READ | (kernelProduces ? LibC.PROT_WRITE : 0);
            int producerProt = LibC.PROT_READ | (kernelProduces ? 0 : LibC.PROT_WRITE);
            Mapping mapping = Mapping.mapContiguous(description, "CAP_BPF",
                    new Mapping.Piece(fd, page, consumerProt, 0),
                    new Mapping.Piece(fd, page + 2L * size, producerProt, page));
            Epoll epoll = null;
            try {
                epoll = new Epoll(description);
                epoll.add(fd, epollEvents);
                return new SharedRing(description, mapping, epoll, size, page);
            } catch (RuntimeException e) {
                if (epoll != null) {
                    epoll.close();
                }
                mapping.close();
                throw e;
            }
        } finally {
            Descriptors.of(map).release();
        }
    }

    private static String hint(MapType actual) {
        switch (actual) {
            case RINGBUF:
                return " (read RINGBUF maps with RingBufferReader)";
            case USER_RINGBUF:
                return " (write USER_RINGBUF maps with UserRingBuffer)";
            case PERF_EVENT_ARRAY:
                return " (read PERF_EVENT_ARRAY maps with io.ebpf4j.perf.PerfReader)";
            default:
                return "";
        }
    }

    /** Bytes a record of {@code length} bytes occupies: header plus data, padded to 8. */
    static long footprint(int length) {
        return (length + (long) BpfRingbufHdr.BYTES + 7) & ~7L;
    }

    /** Wakes a waiting thread (which fails with "closed") and unmaps once no thread uses the memory any more. */
    void close() {
        epoll.close();
        mapping.close();
    }

    // The protocol's acquire loads and release stores. Each is a plain buffer access next to a VarHandle fence,
    // which the Java memory model treats as an acquire load or release store: a byte-buffer view VarHandle
    // (MethodHandles.byteBufferViewVarHandle) would say the same in one call, but JDK 17 does not inline it fully
    // and pays a call per access, which dominated the per-record cost.

    /** {@code consumer_pos}, acquired: pairs with the release of whoever consumed up to it. */
    long consumerPosition() {
        long position = consumer.getLong(0);
        VarHandle.acquireFence();
        return position;
    }

    /** {@code producer_pos}, acquired: pairs with the release of whoever reserved up to it. */
    long producerPosition() {
        long position = producer.getLong(0);
        VarHandle.acquireFence();
        return position;
    }

    /** Publishes {@code consumer_pos} after the records before it have been read (release). */
    void releaseConsumerPosition(long position) {
        VarHandle.releaseFence();
        consumer.putLong(0, position);
    }

    /** Publishes {@code producer_pos} after the headers before it have been written (release). */
    void releaseProducerPosition(long position) {
        VarHandle.releaseFence();
        producer.putLong(0, position);
    }

    /** The record header at {@code offset}, acquired: the record's bytes are visible once it is not busy. */
    int header(int offset) {
        int header = data.getInt(offset + BpfRingbufHdr.LEN);
        VarHandle.acquireFence();
        return header;
    }

    /** Writes a record header after the record's bytes (release): submits or discards the record. */
    void releaseHeader(int offset, int header) {
        VarHandle.releaseFence();
        data.putInt(offset + BpfRingbufHdr.LEN, header);
    }
}
