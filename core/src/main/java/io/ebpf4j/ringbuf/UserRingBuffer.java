package io.ebpf4j.ringbuf;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.MapType;
import io.ebpf4j.internal.sys.BpfRingbufHdr;
import io.ebpf4j.internal.sys.Epoll;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes records into a {@code BPF_MAP_TYPE_USER_RINGBUF} map for BPF programs to consume with
 * {@code bpf_user_ringbuf_drain}: the reverse direction of {@link RingBufferReader}. Records are written in place,
 * in the map's memory mapped into this process.
 *
 * <pre>{@code
 * try (UserRingBuffer out = UserRingBuffer.open(commands)) {
 *     UserRingBuffer.Reservation r = out.reserve(16, Duration.ofMillis(100)).orElseThrow();
 *     r.putLong(0, pid);
 *     r.putLong(8, flags);
 *     r.submit();
 * }
 * }</pre>
 *
 * <p>A reservation must end with {@link Reservation#submit()} or {@link Reservation#discard()}: the kernel consumes
 * records in order and stops at one that is still reserved. Reservations may be submitted in any order. Reserving
 * is thread-safe; a reservation's writes belong to the thread that fills it. {@link #reserve} with a timeout waits
 * for the kernel to free space (it signals {@code EPOLLOUT} after a drain); {@link #close()} wakes such a wait.
 */
public final class UserRingBuffer implements AutoCloseable {
    /** The largest record length the header can carry (the top two bits are flags). */
    private static final int MAX_LENGTH = SharedRing.LENGTH_MASK;

    private final SharedRing ring;
    private final ReentrantLock reserveLock = new ReentrantLock();
    /** Our copy of {@code producer_pos}: only this object writes it. Guarded by {@link #reserveLock}. */
    private long producerPosition;

    private UserRingBuffer(SharedRing ring) {
        this.ring = ring;
        this.producerPosition = ring.producerPosition();
    }

    /**
     * Maps {@code map} for writing. The map handle may be closed afterwards.
     *
     * @throws IllegalArgumentException if {@code map} is not a {@code USER_RINGBUF} map
     * @throws BpfException if the map handle is closed or mapping it fails
     */
    public static UserRingBuffer open(BpfMap map) {
        // Edge-triggered: the kernel reports EPOLLOUT whenever any space is free, which may be too little for the
        // record being reserved; waiting for the next drain's wakeup avoids spinning on that.
        return new UserRingBuffer(SharedRing.map(map, MapType.USER_RINGBUF, "user ring buffer",
                Epoll.EPOLLOUT | Epoll.EPOLLET));
    }

    /**
     * Reserves room for a record of {@code length} bytes, waiting up to {@code timeout} for the kernel to free space
     * ({@link Duration#ZERO} does not wait).
     *
     * @return the reservation, or empty if there was no room in time
     * @throws IllegalArgumentException if a record of {@code length} bytes can never fit
     * @throws BpfException if the buffer is closed, also while waiting
     */
    public Optional<Reservation> reserve(int length, Duration timeout) {
        if (length < 0 || length > MAX_LENGTH || SharedRing.footprint(length) > ring.size) {
            throw new IllegalArgumentException("a record of " + length + " bytes does not fit in the "
                    + ring.size + "-byte " + ring.description + " (each record also takes an 8-byte header and "
                    + "is padded to 8 bytes)");
        }
        long until = Epoll.deadlineAfter(timeout);
        reserveLock.lock();
        try {
            ring.mapping.acquire();
            try {
                for (;;) {
                    Reservation reservation = tryReserve(length);
                    if (reservation != null) {
                        return Optional.of(reservation);
                    }
                    if (!ring.epoll.await(until)) {
                        return Optional.ofNullable(tryReserve(length));
                    }
                }
            } finally {
                ring.mapping.release();
            }
        } finally {
            reserveLock.unlock();
        }
    }

    private Reservation tryReserve(int length) {
        long footprint = SharedRing.footprint(length);
        long consumer = ring.consumerPosition();
        if (producerPosition - consumer + footprint > ring.size) {
            return null;
        }
        int offset = (int) (producerPosition & ring.mask);
        // The header goes in busy first, so the kernel stops here until submit or discard.
        ring.data.putInt(offset + BpfRingbufHdr.PG_OFF, 0);
        ring.data.putInt(offset + BpfRingbufHdr.LEN, length | SharedRing.BUSY_BIT);
        producerPosition += footprint;
        ring.releaseProducerPosition(producerPosition);
        return new Reservation(this, offset, length);
    }

    /** Free bytes: what the kernel has not consumed yet is subtracted (headers and padding count). */
    public long freeBytes() {
        ring.mapping.acquire();
        try {
            return ring.size - (ring.producerPosition() - ring.consumerPosition());
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

    /**
     * Wakes a waiting {@link #reserve} (it fails with "closed") and unmaps the buffer once no access is in flight.
     * Reservations not yet submitted stay busy in the map: the kernel will not consume past them.
     */
    @Override
    public void close() {
        ring.close();
    }

    @Override
    public String toString() {
        return "UserRingBuffer[" + ring.description + ", " + ring.size + " bytes" + (isClosed() ? ", closed" : "")
                + "]";
    }

    /**
     * Room for one record in the map's memory. Fill it with the {@code put} methods (native byte order, offsets
     * relative to the record's start), then {@link #submit()} or {@link #discard()} it exactly once. Each access
     * checks that the buffer is still open and the reservation still pending.
     */
    public static final class Reservation {
        private final UserRingBuffer owner;
        private final int offset;
        private final int length;
        private boolean done;

        private Reservation(UserRingBuffer owner, int offset, int length) {
            this.owner = owner;
            this.offset = offset;
            this.length = length;
        }

        /** Number of bytes reserved. */
        public int length() {
            return length;
        }

        public Reservation putByte(int index, byte value) {
            int at = begin(index, 1);
            try {
                owner.ring.data.put(at, value);
            } finally {
                end();
            }
            return this;
        }

        public Reservation putInt(int index, int value) {
            int at = begin(index, 4);
            try {
                owner.ring.data.putInt(at, value);
            } finally {
                end();
            }
            return this;
        }

        public Reservation putLong(int index, long value) {
            int at = begin(index, 8);
            try {
                owner.ring.data.putLong(at, value);
            } finally {
                end();
            }
            return this;
        }

        /** Copies {@code count} bytes of {@code src} from {@code srcOffset} to {@code index}. */
        public Reservation put(int index, byte[] src, int srcOffset, int count) {
            Objects.checkFromIndexSize(srcOffset, count, src.length);
            int at = begin(index, count);
            try {
                owner.ring.data.put(at, src, srcOffset, count);
            } finally {
                end();
            }
            return this;
        }

        /** Hands the record to the kernel. */
        public void submit() {
            commit(0);
        }

        /** Gives the space back without the kernel seeing a record. */
        public void discard() {
            commit(SharedRing.DISCARD_BIT);
        }

        private void commit(int flag) {
            int at = begin(0, 0);
            try {
                done = true;
                // Release pairs with the kernel's acquire of the header: the record's bytes are visible before it.
                owner.ring.releaseHeader(at - BpfRingbufHdr.BYTES, length | flag);
            } finally {
                end();
            }
        }

        /** Checks the access, pins the mapping and returns the absolute offset of {@code index}. */
        private int begin(int index, int size) {
            if (done) {
                throw new IllegalStateException("this reservation was already submitted or discarded");
            }
            if (index < 0 || size < 0 || index > length - size) {
                throw new IndexOutOfBoundsException("access of " + size + " bytes at " + index + " in a reservation"
                        + " of " + length + " bytes");
            }
            owner.ring.mapping.acquire();
            return offset + BpfRingbufHdr.BYTES + index;
        }

        private void end() {
            owner.ring.mapping.release();
        }

        @Override
        public String toString() {
            return "Reservation[" + length + " bytes" + (done ? ", done" : "") + "]";
        }
    }
}
