package io.ebpf4j.ringbuf;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.MapType;
import io.ebpf4j.internal.sys.BpfRingbufHdr;
import io.ebpf4j.internal.sys.DirectMemory;
import io.ebpf4j.internal.sys.Epoll;

import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Reads the records BPF programs submit to a {@code BPF_MAP_TYPE_RINGBUF} map ({@code bpf_ringbuf_output},
 * {@code bpf_ringbuf_reserve} + {@code bpf_ringbuf_submit}), straight from the map's memory mapped into this
 * process: no syscall per record, and none at all while records keep coming.
 *
 * <pre>{@code
 * try (RingBufferReader reader = RingBufferReader.open(events)) {
 *     while (running) {
 *         reader.poll(record -> handle(record.getLong(0), record.getInt(8)), Duration.ofSeconds(1));
 *     }
 * }
 * }</pre>
 *
 * <p>Three ways to read, in order of cost: {@link #read()} returns a new {@link Record}; {@link #readInto(Record)}
 * copies into a record the caller reuses; {@link #poll} and {@link #drain} pass each record to a visitor as a
 * {@link RecordView} over the kernel's memory, valid during the call, allocating nothing per record. Records the
 * program discarded are skipped and counted ({@link #recordsDiscarded()}). Records are read in the order they were
 * reserved; a record still being written holds back the ones after it until it is submitted or discarded.
 *
 * <p>Waiting: {@code read}, {@code readInto} and {@code poll} wait (with {@code epoll}) until a record arrives,
 * the {@linkplain #setDeadline deadline} passes or the reader is closed; {@link #close()} from another thread wakes
 * them at once and they fail with a {@link BpfException}. An interrupted thread does not wait (the call returns as
 * if the deadline had passed, the interrupt status kept).
 *
 * <p>Virtual threads: a platform thread waits in {@code epoll_wait(2)} itself, but a native call pins a virtual
 * thread to its carrier, and a few waiting readers would then hold every carrier. Cutting the wait into short native
 * slices would still keep a carrier busy most of the time, so a virtual thread instead parks (freeing its carrier)
 * while one shared daemon platform thread waits on the reader's epoll descriptor and unparks it when a record
 * arrives, the same scheme the JDK uses for sockets. Virtual threads make only non-blocking native calls.
 *
 * <p>Threads: reads are serialized (one reading thread at a time is the intended use: a ring buffer has one
 * consumer); {@link #close()}, the counters, {@link #availableBytes()} and {@link #setDeadline} may be called from
 * any thread. Closing never unmaps memory a read is using: the unmapping waits for that read to end.
 */
public final class RingBufferReader implements AutoCloseable {
    private final SharedRing ring;
    private final RecordView view;
    private final ReentrantLock readLock = new ReentrantLock();
    private volatile long deadline = Epoll.NO_DEADLINE;
    private volatile long recordsRead;
    private volatile long recordsDiscarded;

    private RingBufferReader(SharedRing ring) {
        this.ring = ring;
        this.view = new RecordView(ring.data, ring.dataAddress);
    }

    /**
     * Maps {@code map} for reading. The reader does not own the map: closing the map handle afterwards is allowed
     * (the mapping keeps the kernel's buffer alive until the reader is closed).
     *
     * @throws IllegalArgumentException if {@code map} is not a {@code RINGBUF} map
     * @throws BpfException if the map handle is closed or mapping it fails
     */
    public static RingBufferReader open(BpfMap map) {
        return new RingBufferReader(SharedRing.map(map, MapType.RINGBUF, "ring buffer reader", Epoll.EPOLLIN));
    }

    /**
     * Waits for the next record and returns a copy of it.
     *
     * @return the record, or empty if the deadline passed first
     * @throws BpfException if the reader is closed, also while waiting
     */
    public Optional<Record> read() {
        Record record = new Record();
        return readInto(record) ? Optional.of(record) : Optional.empty();
    }

    /**
     * Waits for the next record and copies it into {@code record}, reusing its array.
     *
     * @return {@code true} if a record was read, {@code false} if the deadline passed first
     * @throws BpfException if the reader is closed, also while waiting
     */
    public boolean readInto(Record record) {
        Objects.requireNonNull(record, "record");
        long until = deadline;
        readLock.lock();
        try {
            ring.mapping.acquire();
            try {
                for (;;) {
                    if (copyNext(record)) {
                        return true;
                    }
                    if (!ring.epoll.await(until)) {
                        return copyNext(record);
                    }
                }
            } finally {
                ring.mapping.release();
            }
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Waits until at least one record is available (at most {@code timeout}, and not past the deadline), then passes
     * every available record to {@code visitor}, in place. The view is valid only during each call. If the visitor
     * throws, the record it was given counts as read and the exception propagates.
     *
     * @return the number of records visited, 0 if none arrived in time
     * @throws BpfException if the reader is closed, also while waiting
     */
    public int poll(Consumer<RecordView> visitor, Duration timeout) {
        Objects.requireNonNull(visitor, "visitor");
        long until = Epoll.earlier(deadline, Epoll.deadlineAfter(timeout));
        readLock.lock();
        try {
            ring.mapping.acquire();
            view.open();
            try {
                for (;;) {
                    int visited = visitAll(visitor);
                    if (visited > 0) {
                        return visited;
                    }
                    if (!ring.epoll.await(until)) {
                        return visitAll(visitor);
                    }
                }
            } finally {
                view.close();
                ring.mapping.release();
            }
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Passes every record available now to {@code visitor}, in place, without waiting (see {@link #poll}).
     *
     * @return the number of records visited
     * @throws BpfException if the reader is closed
     */
    public int drain(Consumer<RecordView> visitor) {
        Objects.requireNonNull(visitor, "visitor");
        readLock.lock();
        try {
            ring.mapping.acquire();
            view.open();
            try {
                return visitAll(visitor);
            } finally {
                view.close();
                ring.mapping.release();
            }
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Passes every committed record up to the producer position seen on entry to {@code visitor}. Returns the
     * number of records visited.
     */
    private int visitAll(Consumer<RecordView> visitor) {
        // Headers and consumer_pos are accessed at their addresses rather than through the buffers, whose per-access
        // checks cost as much as the rest of the loop: the mapping is held during the visit, and a header's offset is
        // below the ring's size.
        long dataAddress = ring.dataAddress;
        long consumerPositionAddress = ring.consumerAddress;
        RecordView view = this.view;
        long mask = ring.mask;
        long position = ring.consumerPosition();
        long producer = ring.producerPosition();
        int visited = 0;
        int discarded = 0;
        try {
            while (position < producer) {
                long recordAddress = dataAddress + (position & mask);
                int header = DirectMemory.getInt(recordAddress + BpfRingbufHdr.LEN);
                VarHandle.acquireFence(); // as in SharedRing.header
                if (header < 0) { // BUSY_BIT is the sign bit, and C2 tests a sign more cheaply than a mask
                    break;
                }
                int length = header & SharedRing.LENGTH_MASK;
                position += SharedRing.footprint(length); // consumed even if the visitor throws
                if ((header & SharedRing.DISCARD_BIT) == 0) {
                    visited++;
                    view.at(recordAddress + BpfRingbufHdr.BYTES, length);
                    visitor.accept(view);
                } else {
                    discarded++;
                }
                // Space goes back to the producers after each record, as libbpf does (a plain store on x86).
                VarHandle.releaseFence(); // as in SharedRing.releaseConsumerPosition
                DirectMemory.putLong(consumerPositionAddress, position);
            }
        } finally {
            ring.releaseConsumerPosition(position);
            count(visited, discarded);
        }
        return visited;
    }

    /** Copies the next committed record into {@code into}, skipping discarded ones; {@code false} if there is none. */
    private boolean copyNext(Record into) {
        long position = ring.consumerPosition();
        long producer = ring.producerPosition();
        int discarded = 0;
        try {
            while (position < producer) {
                int offset = (int) (position & ring.mask);
                int header = ring.header(offset);
                if ((header & SharedRing.BUSY_BIT) != 0) {
                    return false;
                }
                int length = header & SharedRing.LENGTH_MASK;
                position += SharedRing.footprint(length);
                if ((header & SharedRing.DISCARD_BIT) == 0) {
                    into.fill(ring.data, offset + BpfRingbufHdr.BYTES, length, producer - position);
                    count(1, discarded);
                    return true;
                }
                discarded++;
            }
            count(0, discarded);
            return false;
        } finally {
            ring.releaseConsumerPosition(position);
        }
    }

    private void count(int read, int discarded) {
        if (read > 0) {
            recordsRead += read;
        }
        if (discarded > 0) {
            recordsDiscarded += discarded;
        }
    }

    /**
     * Sets the time after which {@link #read()}, {@link #readInto} and {@link #poll} stop waiting; {@code null}
     * removes it. A deadline in the past makes them return what is available without waiting. Applies to reads
     * started after the call.
     */
    public void setDeadline(Instant deadline) {
        this.deadline = Epoll.deadlineAt(deadline);
    }

    /** Records delivered so far (discarded ones not included). */
    public long recordsRead() {
        return recordsRead;
    }

    /** Records the programs discarded, skipped so far. */
    public long recordsDiscarded() {
        return recordsDiscarded;
    }

    /**
     * Bytes produced but not yet consumed, headers and padding included (records still being written count too).
     *
     * @throws BpfException if the reader is closed
     */
    public long availableBytes() {
        ring.mapping.acquire();
        try {
            return ring.producerPosition() - ring.consumerPosition();
        } finally {
            ring.mapping.release();
        }
    }

    /** Size of the ring's data area in bytes (the map's max entries). */
    public int bufferSize() {
        return ring.size;
    }

    public boolean isClosed() {
        return ring.epoll.isClosed();
    }

    /** Wakes a waiting read (it fails with "closed") and releases the mapping and descriptors. Idempotent. */
    @Override
    public void close() {
        ring.close();
    }

    @Override
    public String toString() {
        return "RingBufferReader[" + ring.description + ", " + ring.size + " bytes" + (isClosed() ? ", closed" : "")
                + "]";
    }
}
