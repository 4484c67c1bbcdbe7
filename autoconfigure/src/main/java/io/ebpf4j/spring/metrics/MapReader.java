package io.ebpf4j.spring.metrics;

import io.ebpf4j.BatchCursor;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.MapIterator;
import io.ebpf4j.MapType;
import io.ebpf4j.features.Features;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.ManagedCollection;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Timer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads one map for every metric that uses it: one walk per refresh (batch lookups when the kernel has them, else
 * the key iterator), each entry handed to every {@link Consumer}, so a scrape costs one read per map no matter how
 * many meters the map feeds. Refreshes at most once per {@code min-refresh}; concurrent callers wait for the
 * running read and then see its result.
 *
 * <p>The map is looked up in {@link EbpfCollections} on each read, so a collection that is loaded late, reloaded or
 * closed is followed; while it is not loaded nothing is read and the consumers' series age towards stale-after.
 */
final class MapReader {
    private static final Log logger = LogFactory.getLog(MapReader.class);
    private static final int MAX_BATCH = 4096;

    /** Receives the entries of one read. */
    interface Consumer {
        /** A read starts. */
        void begin(long nowNanos);

        /** One entry: key at {@code keyOffset} of {@code keys}, value at {@code valueOffset} of {@code values}. */
        void accept(ByteBuffer keys, int keyOffset, ByteBuffer values, int valueOffset);

        /** A batch of {@code count} entries, back to back ({@code keySize} and {@code valueStride} bytes each). */
        default void acceptBatch(ByteBuffer keys, int keySize, ByteBuffer values, int valueStride, int count) {
            for (int i = 0; i < count; i++) {
                accept(keys, i * keySize, values, i * valueStride);
            }
        }

        /** The read is complete (or the map was unavailable: then no entries came). */
        void end(long nowNanos);
    }

    private final EbpfCollections collections;
    private final String collection;
    private final String map;
    private final EbpfMetricsProperties.Batch batch;
    private final long minRefreshNanos;
    private final Clock clock;
    private final List<Consumer> consumers = new ArrayList<>();
    private Consumer[] fanOut = new Consumer[0];
    private volatile long lastRefreshNanos;
    private volatile boolean refreshed;
    private volatile int entries = -1;
    private volatile Timer readTimer;
    /** The thread whose entries gauge read the map last, until its collector takes that read. */
    private volatile Thread readByGauge;

    // walk state, guarded by this
    private BpfMap current;
    private BatchCursor cursor;
    private byte[] iteratorKey;
    private byte[] iteratorValue;
    private ByteBuffer iteratorKeys;
    private ByteBuffer iteratorValues;
    private boolean warnedUnsupportedBatch;
    private boolean warnedFull;

    MapReader(EbpfCollections collections, String collection, String map, EbpfMetricsProperties.Batch batch,
            long minRefreshNanos, Clock clock) {
        this.collections = collections;
        this.collection = collection;
        this.map = map;
        this.batch = batch;
        this.minRefreshNanos = minRefreshNanos;
        this.clock = clock;
    }

    synchronized void add(Consumer consumer) {
        consumers.add(consumer);
        fanOut = consumers.toArray(Consumer[]::new);
    }

    String collection() {
        return collection;
    }

    String map() {
        return map;
    }

    void timeReadsWith(Timer timer) {
        this.readTimer = timer;
    }

    /** Entries seen by the last read, or -1 before the first read and while the map is unavailable. */
    int entries() {
        return entries;
    }

    /** Reads the map unless a read happened less than min-refresh ago; returns whether it read. */
    boolean refreshIfDue() {
        if (refreshed && clock.monotonicTime() - lastRefreshNanos < minRefreshNanos) {
            return false;
        }
        synchronized (this) {
            if (refreshed && clock.monotonicTime() - lastRefreshNanos < minRefreshNanos) {
                return false; // another thread read it while we waited
            }
            refresh();
            return true;
        }
    }

    /**
     * For the entries gauge: {@link #refreshIfDue}, and a read it makes is handed to the Prometheus collector that
     * follows on this thread. A Prometheus scrape collects Micrometer's meters, the gauge among them, before the
     * native metrics, on one thread: with {@code min-refresh: 0s} both would read the map.
     */
    void refreshForGauge() {
        if (refreshIfDue()) {
            readByGauge = Thread.currentThread();
        }
    }

    /**
     * For the Prometheus collector: reads the map when due, unless the entries gauge just read it on this thread,
     * in the same scrape.
     */
    void refreshForCollector() {
        if (readByGauge == Thread.currentThread()) {
            readByGauge = null;
            return;
        }
        refreshIfDue();
    }

    /** Reads the map now. */
    synchronized void refresh() {
        long start = clock.monotonicTime();
        Consumer[] targets = fanOut;
        for (Consumer c : targets) {
            c.begin(start);
        }
        BpfMap bpfMap = resolve();
        int count = -1;
        if (bpfMap != null) {
            try {
                count = walk(bpfMap, targets);
                warnWhenFull(bpfMap, count);
            } catch (BpfException e) {
                // closed under us, or the kernel refused: the series age; the next read tries again
                logger.debug("Reading map '" + map + "' of collection '" + collection + "' failed", e);
            }
        }
        long end = clock.monotonicTime();
        for (Consumer c : targets) {
            c.end(end);
        }
        entries = count;
        lastRefreshNanos = end;
        refreshed = true;
        Timer timer = readTimer;
        if (timer != null) {
            timer.record(end - start, TimeUnit.NANOSECONDS);
        }
    }

    private BpfMap resolve() {
        ManagedCollection managed = collections.get(collection).orElse(null);
        if (managed == null || managed.collection() == null || managed.status() == ManagedCollection.Status.CLOSED) {
            return null; // a collection that failed to attach stays loaded and is read: its values stand still
        }
        BpfMap bpfMap = managed.collection().maps().get(map);
        if (bpfMap == null || bpfMap.isClosed()) {
            return null;
        }
        if (bpfMap != current) {
            current = bpfMap;
            cursor = null;
            iteratorKey = null;
        }
        return bpfMap;
    }

    private int walk(BpfMap bpfMap, Consumer[] targets) {
        if (useBatches(bpfMap)) {
            if (cursor == null) {
                cursor = bpfMap.batchCursor(Math.max(1, Math.min(bpfMap.maxEntries(), MAX_BATCH)));
            }
            BatchCursor c = cursor;
            c.reset();
            int count = 0;
            while (bpfMap.batchLookup(c)) {
                int n = c.count();
                if (n > 0) {
                    int keySize = c.keyOffset(1) - c.keyOffset(0);
                    int valueStride = c.valueOffset(1) - c.valueOffset(0);
                    for (Consumer consumer : targets) {
                        consumer.acceptBatch(c.keys(), keySize, c.values(), valueStride, n);
                    }
                }
                count += n;
            }
            return count;
        }
        if (iteratorKey == null) {
            iteratorKey = new byte[bpfMap.keySize()];
            iteratorValue = new byte[bpfMap.valueBufferSize()];
            iteratorKeys = ByteBuffer.wrap(iteratorKey).order(ByteOrder.nativeOrder());
            iteratorValues = ByteBuffer.wrap(iteratorValue).order(ByteOrder.nativeOrder());
        }
        MapIterator it = bpfMap.iterator();
        int count = 0;
        while (it.next(iteratorKey, iteratorValue)) {
            for (Consumer consumer : targets) {
                consumer.accept(iteratorKeys, 0, iteratorValues, 0);
            }
            count++;
        }
        return count;
    }

    /**
     * A full hash map refuses new keys in the kernel (E2BIG), which programs rarely check: logged once each time the
     * map fills up, besides the entries and max.entries gauges that show it. Arrays are always full and LRU maps
     * evict instead.
     */
    private void warnWhenFull(BpfMap bpfMap, int count) {
        MapType type = bpfMap.type();
        boolean full = (type == MapType.HASH || type == MapType.PERCPU_HASH || type == MapType.LPM_TRIE)
                && count >= bpfMap.maxEntries();
        if (full && !warnedFull) {
            logger.warn("BPF map '" + map + "' of collection '" + collection + "' is full (" + count + " of "
                    + bpfMap.maxEntries() + " entries): the kernel refuses new keys until entries are deleted; "
                    + "raise ebpf.collections." + collection + ".map-overrides." + map + ".max-entries if the map "
                    + "should hold more");
        }
        warnedFull = full;
    }

    private boolean useBatches(BpfMap bpfMap) {
        switch (batch) {
            case OFF:
                return false;
            case ON:
                if (!Features.hasBatchOperations(bpfMap.type()) && !warnedUnsupportedBatch) {
                    warnedUnsupportedBatch = true;
                    logger.warn("ebpf.metrics.batch is 'on', but this kernel has no batch lookups for " + bpfMap.type()
                            + " maps; reading map '" + map + "' will fail");
                }
                return true;
            default:
                return Features.hasBatchOperations(bpfMap.type());
        }
    }
}
