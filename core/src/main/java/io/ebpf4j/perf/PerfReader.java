package io.ebpf4j.perf;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.MapType;
import io.ebpf4j.internal.Cpus;
import io.ebpf4j.internal.Os;
import io.ebpf4j.internal.sys.Epoll;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.Mapping;
import io.ebpf4j.internal.sys.PerfEventHeader;
import io.ebpf4j.ringbuf.RingBufferReader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Reads what BPF programs send with {@code bpf_perf_event_output} to a {@code BPF_MAP_TYPE_PERF_EVENT_ARRAY} map.
 * Opening creates, for every online CPU, a {@code PERF_COUNT_SW_BPF_OUTPUT} perf event with its own ring mapped
 * into this process, and stores the event in the map at the CPU's index (where {@code BPF_F_CURRENT_CPU} sends
 * output); closing removes the events from the map again.
 *
 * <pre>{@code
 * try (PerfReader reader = PerfReader.open(events)) {
 *     while (running) {
 *         reader.poll(r -> {
 *             if (r.lostSamples() > 0) warn(r.cpu(), r.lostSamples()); else handle(r.getLong(0));
 *         }, Duration.ofSeconds(1));
 *     }
 * }
 * }</pre>
 *
 * <p>Records are samples or notices of lost samples (written by the kernel when a ring was full; they are also
 * counted per CPU: {@link #lostSamples(int)}). Each tells its {@linkplain RecordView#cpu() CPU}. Records of one CPU
 * arrive in order; there is no order between CPUs. The ways to read are those of
 * {@link RingBufferReader}: {@link #read()}, {@link #readInto(Record)}, and the zero-copy
 * {@link #poll} / {@link #drain} (a sample that wraps around the end of its ring is copied into a buffer the reader
 * reuses, so nothing is allocated per record either way).
 *
 * <p>Waiting, deadlines, threads, virtual threads and {@link #close()} behave as described for
 * {@link RingBufferReader}: one epoll set covers every CPU's event plus a close signal, a virtual
 * thread parks instead of pinning its carrier in {@code epoll_wait}, and closing wakes a waiting reader at once. A
 * wait that ends at its timeout or deadline still reads what is in the rings, including records below the
 * {@linkplain PerfReaderOptions#wakeupWatermark() watermark}. One reader per map: a second one would replace the
 * first one's events in the map.
 *
 * <p>Overwritable readers ({@link PerfReaderOptions#overwritable()}) keep the newest records. They are read only
 * while {@linkplain #pause() paused}, without waiting: {@code pause()}, read the records written since the
 * previous pause (newest first, as far as they were not overwritten), {@code resume()}.
 */
public final class PerfReader implements AutoCloseable {
    private static final int PERF_RECORD_LOST = 2;
    private static final int PERF_RECORD_SAMPLE = 9;
    private static final int LARGEST_RECORD = 0xffff; // the header's u16 size

    private final String description;
    private final BpfMap map;
    private final PerfRing[] rings;
    private final Mapping mapping;
    private final Epoll epoll;
    private final boolean overwritable;
    private final int bufferSize;
    private final RecordView view = new RecordView();
    /** Where samples that wrap around the end of a ring are copied for a {@link RecordView}. */
    private final ByteBuffer wrapped;
    private final ReentrantLock readLock = new ReentrantLock();
    /** Ring {@link #readInto} takes its next record from (a ring is emptied up to its batch's head, then the next). */
    private int cursor;
    private volatile boolean paused;
    private volatile long deadline = Epoll.NO_DEADLINE;
    private volatile long recordsRead;
    private final AtomicLongArray lostByCpu;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PerfReader(String description, BpfMap map, PerfRing[] rings, Mapping mapping, Epoll epoll,
            PerfReaderOptions options, int bufferSize, int cpuSlots) {
        this.description = description;
        this.map = map;
        this.rings = rings;
        this.mapping = mapping;
        this.epoll = epoll;
        this.overwritable = options.overwritable();
        this.bufferSize = bufferSize;
        this.wrapped = ByteBuffer.allocate(Math.min(bufferSize, LARGEST_RECORD)).order(ByteOrder.nativeOrder());
        this.lostByCpu = new AtomicLongArray(cpuSlots);
    }

    /** Opens a reader with {@link PerfReaderOptions#defaults()}. */
    public static PerfReader open(BpfMap map) {
        return open(map, PerfReaderOptions.defaults());
    }

    /**
     * Creates one perf event and ring per online CPU (up to the map's size) and stores the events in {@code map}.
     * The reader keeps its own handle to the map: closing the caller's handle afterwards is allowed.
     *
     * @throws IllegalArgumentException if {@code map} is not a {@code PERF_EVENT_ARRAY} map
     * @throws BpfException if the map handle is closed, or a perf event or mapping cannot be created
     */
    public static PerfReader open(BpfMap map, PerfReaderOptions options) {
        Objects.requireNonNull(map, "map");
        Objects.requireNonNull(options, "options");
        if (map.type() != MapType.PERF_EVENT_ARRAY) {
            throw new IllegalArgumentException("map '" + map.name() + "' is a " + map.type() + " map, but a perf "
                    + "reader needs a PERF_EVENT_ARRAY map" + (map.type() == MapType.RINGBUF
                    ? " (read RINGBUF maps with io.ebpf4j.ringbuf.RingBufferReader)" : ""));
        }
        if (map.isClosed()) {
            throw new BpfException("cannot open a perf reader: map '" + map.name() + "' is closed");
        }
        String description = "perf reader of map '" + map.name() + "'";
        int page = Os.pageSize();
        long ringSize = PerfRing.mappingSize(options.perCpuBufferSize(), page);
        int cpuSlots = Math.min(map.maxEntries(), Cpus.possible());
        List<PerfRing> opened = new ArrayList<>();
        BpfMap handle = null;
        Mapping mapping = null;
        Epoll epoll = null;
        try {
            for (int cpu : Cpus.online()) {
                if (cpu < cpuSlots) {
                    PerfRing ring = PerfRing.open(cpu, options);
                    if (ring != null) {
                        opened.add(ring);
                    }
                }
            }
            if (opened.isEmpty()) {
                throw new BpfException(description + ": no online CPU fits the map's " + map.maxEntries()
                        + " entries");
            }
            handle = map.clone();
            int prot = LibC.PROT_READ | (options.overwritable() ? 0 : LibC.PROT_WRITE);
            Mapping.Piece[] pieces = new Mapping.Piece[opened.size()];
            for (int i = 0; i < pieces.length; i++) {
                pieces[i] = new Mapping.Piece(opened.get(i).event.number(), ringSize, prot, 0);
            }
            mapping = Mapping.mapContiguous(description, "CAP_PERFMON or CAP_SYS_ADMIN (and CAP_IPC_LOCK above "
                    + "the perf_event_mlock_kb limit)", pieces);
            epoll = new Epoll(description);
            int bufferSize = 0;
            for (int i = 0; i < pieces.length; i++) {
                PerfRing ring = opened.get(i);
                ring.attach(mapping.unsafeBuffer(i * ringSize, ringSize), page, options.overwritable());
                bufferSize = ring.data.capacity();
                epoll.add(ring.event.number(), Epoll.EPOLLIN);
                handle.put(key(ring.cpu), key(ring.event.number()));
            }
            return new PerfReader(description, handle, opened.toArray(new PerfRing[0]), mapping, epoll, options,
                    bufferSize, cpuSlots);
        } catch (RuntimeException e) {
            release(epoll, handle, opened, mapping);
            throw e;
        }
    }

    /** Undoes {@link #open}; each argument may be {@code null} (or empty) when it was not created yet. */
    private static void release(Epoll epoll, BpfMap handle, List<PerfRing> rings, Mapping mapping) {
        if (epoll != null) {
            epoll.close();
        }
        try {
            if (handle != null) {
                for (PerfRing ring : rings) {
                    handle.delete(key(ring.cpu)); // no-op if never stored
                }
            }
        } finally {
            if (handle != null) {
                handle.close();
            }
            if (mapping != null) {
                mapping.close();
            }
            rings.forEach(ring -> ring.event.close());
        }
    }

    private static byte[] key(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading

    /**
     * Waits for the next record and returns a copy of it.
     *
     * @return the record, or empty if the deadline passed first (or, for an overwritable reader, if no record is
     *     left from the current pause)
     * @throws BpfException if the reader is closed, also while waiting
     * @throws IllegalStateException if the reader is overwritable and not paused
     */
    public Optional<Record> read() {
        Record record = new Record();
        return readInto(record) ? Optional.of(record) : Optional.empty();
    }

    /**
     * Waits for the next record and copies it into {@code record}, reusing its array.
     *
     * @return {@code true} if a record was read, {@code false} if the deadline passed first (see {@link #read()})
     * @throws BpfException if the reader is closed, also while waiting
     * @throws IllegalStateException if the reader is overwritable and not paused
     */
    public boolean readInto(Record record) {
        Objects.requireNonNull(record, "record");
        long until = deadline;
        readLock.lock();
        try {
            mapping.acquire();
            try {
                requirePausedIfOverwritable();
                for (;;) {
                    if (readOne(record)) {
                        return true;
                    }
                    if (overwritable || !epoll.await(until)) {
                        return readOne(record);
                    }
                }
            } finally {
                mapping.release();
            }
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Waits until at least one record is available (at most {@code timeout}, and not past the deadline), then passes
     * every available record of every CPU to {@code visitor}. The view is valid only during each call. If the
     * visitor throws, the record it was given counts as read and the exception propagates. Overwritable readers do
     * not wait.
     *
     * @return the number of records visited (samples and notices of lost samples), 0 if none arrived in time
     * @throws BpfException if the reader is closed, also while waiting
     * @throws IllegalStateException if the reader is overwritable and not paused
     */
    public int poll(Consumer<RecordView> visitor, Duration timeout) {
        Objects.requireNonNull(visitor, "visitor");
        long until = Epoll.earlier(deadline, Epoll.deadlineAfter(timeout));
        readLock.lock();
        try {
            mapping.acquire();
            view.open();
            try {
                requirePausedIfOverwritable();
                for (;;) {
                    int visited = drainAll(visitor);
                    if (visited > 0) {
                        return visited;
                    }
                    if (overwritable || !epoll.await(until)) {
                        return drainAll(visitor);
                    }
                }
            } finally {
                view.close();
                mapping.release();
            }
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Passes every record available now to {@code visitor}, without waiting (see {@link #poll}).
     *
     * @return the number of records visited
     * @throws BpfException if the reader is closed
     * @throws IllegalStateException if the reader is overwritable and not paused
     */
    public int drain(Consumer<RecordView> visitor) {
        Objects.requireNonNull(visitor, "visitor");
        readLock.lock();
        try {
            mapping.acquire();
            view.open();
            try {
                requirePausedIfOverwritable();
                return drainAll(visitor);
            } finally {
                view.close();
                mapping.release();
            }
        } finally {
            readLock.unlock();
        }
    }

    private void requirePausedIfOverwritable() {
        if (overwritable && !paused) {
            throw new IllegalStateException(description + " is overwritable: call pause() before reading (and "
                    + "resume() after)");
        }
    }

    private int drainAll(Consumer<RecordView> visitor) {
        int visited = 0;
        for (PerfRing ring : rings) {
            if (!overwritable) {
                ring.head = ring.loadHead();
            }
            visited += consume(ring, visitor, null);
        }
        return visited;
    }

    /**
     * Takes one record for {@link #readInto}: from the ring at the cursor until that ring's batch is used up, then
     * from the next; when every batch is used up, new batches start at each ring's current head. So a busy CPU
     * cannot starve the others.
     */
    private boolean readOne(Record into) {
        for (int round = 0; round < 2; round++) {
            while (cursor < rings.length) {
                PerfRing ring = rings[cursor];
                if (pending(ring) > 0) {
                    if (consume(ring, null, into) > 0) {
                        return true;
                    }
                } else {
                    cursor++;
                }
            }
            cursor = 0;
            if (!overwritable) {
                for (PerfRing ring : rings) {
                    ring.head = ring.loadHead();
                }
            }
        }
        return false;
    }

    /** Bytes left in the ring's current batch. */
    private long pending(PerfRing ring) {
        return overwritable ? ring.readEnd - ring.readPosition : ring.head - ring.tail;
    }

    /**
     * Consumes the ring's current batch: every record to {@code visitor}, or only the first one into {@code into}.
     * In a forward ring each record's space is handed back to the kernel once it has been used. Returns the number
     * of records delivered; records of other types are skipped.
     */
    private int consume(PerfRing ring, Consumer<RecordView> visitor, Record into) {
        ByteBuffer data = ring.data;
        long mask = ring.mask;
        long position = overwritable ? ring.readPosition : ring.tail;
        long end = overwritable ? ring.readEnd : ring.head;
        int delivered = 0;
        int samples = 0;
        try {
            while (end - position > 0) {
                int offset = (int) (position & mask);
                int type = data.getInt(offset + PerfEventHeader.TYPE);
                int size = Short.toUnsignedInt(data.getShort(offset + PerfEventHeader.SIZE));
                if (size < PerfEventHeader.BYTES || size > end - position) {
                    if (overwritable) {
                        // Never written (zeroes) or partly overwritten: the older records end here.
                        position = end;
                        break;
                    }
                    throw new BpfException(description + ": corrupt record of " + size + " bytes on CPU " + ring.cpu);
                }
                long next = position + size;
                if (type == PERF_RECORD_SAMPLE) {
                    // PERF_SAMPLE_RAW: a u32 size, then the data
                    int length = data.getInt((int) ((position + PerfEventHeader.BYTES) & mask));
                    int start = (int) ((position + PerfEventHeader.BYTES + Integer.BYTES) & mask);
                    delivered++;
                    samples++;
                    if (into != null) {
                        into.sample(ring.cpu, data, start, length, end - next);
                        position = next;
                        break;
                    }
                    if (start + length <= data.capacity()) {
                        view.sample(ring.cpu, data, start, length);
                    } else {
                        int first = data.capacity() - start;
                        wrapped.put(0, data, start, first).put(first, data, 0, length - first);
                        view.sample(ring.cpu, wrapped, 0, length);
                    }
                } else if (type == PERF_RECORD_LOST) {
                    // PERF_RECORD_LOST: a u64 id, then the count
                    long lost = data.getLong((int) ((position + PerfEventHeader.BYTES + Long.BYTES) & mask));
                    lostByCpu.addAndGet(ring.cpu, lost);
                    delivered++;
                    if (into != null) {
                        into.lost(ring.cpu, lost, end - next);
                        position = next;
                        break;
                    }
                    view.lost(ring.cpu, lost);
                } else {
                    position = next;
                    continue;
                }
                position = next;
                visitor.accept(view);
                if (!overwritable) {
                    ring.publishTail(position);
                }
            }
        } finally {
            // Also covers a record whose visitor threw: it counts as read.
            if (overwritable) {
                ring.readPosition = position;
            } else {
                ring.publishTail(position);
            }
            if (samples > 0) {
                recordsRead += samples;
            }
        }
        return delivered;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Control and state

    /**
     * Stops the kernel from writing to the rings ({@code PERF_EVENT_IOC_PAUSE_OUTPUT}); output while paused is
     * dropped and counted as lost. For an overwritable reader this also selects the records to read: those written
     * since the previous pause.
     */
    public void pause() {
        requireOpen();
        for (PerfRing ring : rings) {
            ring.pauseOutput(true);
        }
        paused = true;
        if (overwritable) {
            readLock.lock();
            try {
                mapping.acquire();
                try {
                    for (PerfRing ring : rings) {
                        ring.snapshotNewest();
                    }
                    cursor = 0;
                } finally {
                    mapping.release();
                }
            } finally {
                readLock.unlock();
            }
        }
    }

    /** Lets the kernel write to the rings again. */
    public void resume() {
        requireOpen();
        paused = false;
        for (PerfRing ring : rings) {
            ring.pauseOutput(false);
        }
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new BpfException(description + " is closed");
        }
    }

    public boolean isPaused() {
        return paused;
    }

    /**
     * Sets the time after which {@link #read()}, {@link #readInto} and {@link #poll} stop waiting; {@code null}
     * removes it. Applies to reads started after the call.
     */
    public void setDeadline(Instant deadline) {
        this.deadline = Epoll.deadlineAt(deadline);
    }

    /** Samples delivered so far. */
    public long recordsRead() {
        return recordsRead;
    }

    /** Samples the kernel dropped on any CPU, as reported by the lost-sample records read so far. */
    public long lostSamples() {
        long total = 0;
        for (int cpu = 0; cpu < lostByCpu.length(); cpu++) {
            total += lostByCpu.get(cpu);
        }
        return total;
    }

    /** Samples the kernel dropped on {@code cpu}, as reported by the lost-sample records read so far. */
    public long lostSamples(int cpu) {
        Objects.checkIndex(cpu, lostByCpu.length());
        return lostByCpu.get(cpu);
    }

    /** The CPUs with a ring, in ascending order. */
    public int[] cpus() {
        int[] cpus = new int[rings.length];
        for (int i = 0; i < cpus.length; i++) {
            cpus[i] = rings[i].cpu;
        }
        return cpus;
    }

    /** Size of each CPU's data area in bytes (the requested size rounded up to a power-of-two number of pages). */
    public int bufferSize() {
        return bufferSize;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Wakes a waiting read (it fails with "closed"), removes the events from the map, and closes the events and the
     * reader's map handle; the rings are unmapped once no read uses them. Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release(epoll, map, List.of(rings), mapping);
        }
    }

    @Override
    public String toString() {
        return "PerfReader[" + description + ", " + rings.length + " CPUs x " + bufferSize + " bytes"
                + (overwritable ? ", overwritable" : "") + (isClosed() ? ", closed" : "") + "]";
    }
}
