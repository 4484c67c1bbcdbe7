package io.ebpf4j.spring.metrics;

import io.ebpf4j.MapSpec;
import io.ebpf4j.btf.Type;
import io.ebpf4j.btf.Types;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The series of one configured metric, fed by its {@link MapReader}.
 *
 * <p>Each distinct key is decoded once into tag values ({@link KeyLayout}); the result is cached per key (up to
 * {@code label-cache-size} keys), including "dropped" (a decoder returned null or failed) and "over the cap". Keys
 * that decode to the same tags feed one series (their values add up). On each read the values of every seen key are
 * accumulated and then published at once, so meters never see half a read. Series whose keys have not been seen for
 * {@code stale-after} are removed from the registries; at most {@code max-series} series exist, further keys are
 * counted as dropped.
 *
 * <p>All mutation happens holding {@link #lock} (for map metrics the reader, whose {@link MapReader.Consumer}
 * callbacks run under it); meters read published values without locking.
 */
abstract class MapMetricFamily<S extends MapMetricFamily.Series> implements MapReader.Consumer {
    private static final Log logger = LogFactory.getLog(MapMetricFamily.class);

    /** The configuration a family is built from. */
    record Definition(String collection, String metric, String meterName, KeyLayout keys, ValueLayout values,
            EbpfMetricsProperties.PerCpu perCpu, long staleAfterNanos, int maxSeries, int labelCacheSize) {

        /**
         * Checks a metric's configuration against its map and compiles it.
         *
         * @param metric the metric's name without prefix (its 'name', else its map's)
         * @param meterName the meter name, with prefix
         * @param map the map's spec, with BTF key and value types when the object has them
         * @throws IllegalArgumentException describing the first problem
         */
        static Definition compile(String collection, String metric, String meterName,
                EbpfMetricsProperties.MapMetric config, MapSpec map, String bucketField,
                EbpfMetricsProperties.Metrics shared, LabelDecoders decoders) {
            boolean histogram = config instanceof EbpfMetricsProperties.Histogram;
            for (EbpfMetricsProperties.Label label : config.getLabels()) {
                if ("collection".equals(label.getName()) || (config.getPerCpu() == EbpfMetricsProperties.PerCpu.PER_CPU
                        && "cpu".equals(label.getName())) || (histogram && "le".equals(label.getName()))) {
                    throw new IllegalArgumentException("label name '" + label.getName() + "' is reserved");
                }
            }
            KeyLayout keys = KeyLayout.compile(config.getLabels(), map.keySize(), map.keyType(), histogram,
                    bucketField, decoders);
            ValueLayout values = ValueLayout.compile(config, meterName, shared.getPrefix(), map,
                    histogram ? 1 : Integer.MAX_VALUE);
            return new Definition(collection, metric, meterName, keys, values, config.getPerCpu(),
                    staleAfterNanos(config, shared), maxSeries(config, shared), shared.getLabelCacheSize());
        }

        /**
         * Checks an event counter's configuration and compiles it: its labels cut the start of each record, by
         * size or by field of {@code recordType}.
         *
         * @param recordType the records' BTF type, or {@code null}
         */
        static Definition compile(String collection, String metric, String meterName,
                EbpfMetricsProperties.EventCounter config, Type recordType, EbpfMetricsProperties.Metrics shared,
                LabelDecoders decoders) {
            int recordSize;
            if (recordType != null) {
                recordSize = (int) Types.sizeof(recordType);
            } else {
                recordSize = 0;
                for (EbpfMetricsProperties.Label label : config.getLabels()) {
                    recordSize += (label.getSize() != null ? label.getSize() : 0) + label.getPadding();
                }
            }
            for (EbpfMetricsProperties.Label label : config.getLabels()) {
                if ("collection".equals(label.getName())) {
                    throw new IllegalArgumentException("label name 'collection' is reserved");
                }
            }
            KeyLayout keys = KeyLayout.compile(config.getLabels(), recordSize, recordType, false, null, decoders);
            return new Definition(collection, metric, meterName, keys,
                    ValueLayout.recordCount(meterName, config.getDescription()), EbpfMetricsProperties.PerCpu.SUM,
                    staleAfterNanos(config, shared), maxSeries(config, shared), shared.getLabelCacheSize());
        }

        private static long staleAfterNanos(EbpfMetricsProperties.Metric config, EbpfMetricsProperties.Metrics shared) {
            return (config.getStaleAfter() != null ? config.getStaleAfter() : shared.getStaleAfter()).toNanos();
        }

        private static int maxSeries(EbpfMetricsProperties.Metric config, EbpfMetricsProperties.Metrics shared) {
            int maxSeries = config.getMaxSeries() != null ? config.getMaxSeries() : shared.getMaxSeries();
            if (maxSeries < 1) {
                throw new IllegalArgumentException("max-series must be positive, not " + maxSeries);
            }
            return maxSeries;
        }
    }

    /** One tag set: published values and the meters reading them. */
    abstract static class Series {
        final Tags tags;
        final List<Meter> meters = new ArrayList<>(1);
        long lastSeenNanos;
        boolean removed;
        /** Position in the family's list of live series. */
        int index;
        TagValues tagValues;
        /** What a native export derived from this series once (its labels), kept by that export. */
        Object exported;

        Series(Tags tags) {
            this.tags = tags;
        }
    }

    /** What a cached key resolves to. */
    static final class Binding {
        enum State { LIVE, DROPPED, OVER_CAP }

        final State state;
        /** One series, or one per CPU in per-cpu mode. */
        final Series[] targets;
        /** The first of {@link #targets}, the only one unless per CPU. */
        final Series first;
        /** For histograms: the bucket slot of this key. */
        final int slot;
        long lastSeenNanos;

        Binding(State state, Series[] targets, int slot) {
            this.state = state;
            this.targets = targets;
            this.first = targets == null ? null : targets[0];
            this.slot = slot;
        }
    }

    final Definition definition;
    /** Guards the series and bindings. */
    final Object lock;
    private final MapReader reader;
    private final boolean refreshOnRead;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final KeyTable<Binding> bindings;
    private final long[] probe;
    /** Series by tags, to find the series of a newly seen key. */
    private final Map<TagValues, S> series = new HashMap<>();
    /** The same series in a list, iterated by every read. */
    private final List<S> live = new ArrayList<>();
    private final byte[] key;
    private final BoundedCache<String, String> labelValues;
    /** The bindings a batch's first pass found. */
    private Binding[] found = new Binding[0];
    /**
     * For each position of the map's walk, the binding found there last and, when it feeds one series
     * {@link #direct}ly, that series' index (else -1): while a position keeps its binding, its entries are added
     * to {@link #sums} at that index, and neither the binding nor the series (objects of their own, a cache miss
     * each per key) is touched; the binding's lastSeenNanos is set when bindings are swept instead.
     */
    private Binding[] positionBindings = new Binding[0];
    private int[] positionIndexes = new int[0];
    /** Whether the current read saw each live series, by index. */
    private boolean[] touched = new boolean[0];
    /** Families whose bindings are {@link #direct}: the current read's sum of each live series, by index. */
    long[] sums = new long[0];
    private final Tags baseTags;
    private final String[] labelNames;
    private final LongAdder decoderErrors = new LongAdder();
    private long now;
    /** Entries of the current read so far: the position of the next one in the map's walk. */
    private int walked;
    private int overCap;
    private volatile int lastOverCap;
    private volatile int seriesCount;
    private long version;
    private boolean capacityFreed;
    private long lastSweepNanos;
    private boolean warnedCap;
    private Binding last;
    private boolean warnedCache;

    /** A family fed by {@code reader}, read first by meters when {@code refreshOnRead}. */
    MapMetricFamily(Definition definition, MapReader reader, boolean refreshOnRead) {
        this(definition, reader, reader, refreshOnRead);
    }

    /** A family fed by something else (events), whose callers hold {@code lock}. */
    MapMetricFamily(Definition definition, Object lock) {
        this(definition, lock, null, false);
    }

    private MapMetricFamily(Definition definition, Object lock, MapReader reader, boolean refreshOnRead) {
        this.definition = definition;
        this.lock = lock;
        this.reader = reader;
        this.refreshOnRead = refreshOnRead;
        this.key = new byte[definition.keys().keySize()];
        this.bindings = new KeyTable<>(definition.keys().keySize(), definition.keys().mask());
        this.probe = bindings.newProbe();
        this.labelValues = new BoundedCache<>(Math.max(16, definition.labelCacheSize()));
        this.baseTags = Tags.of("collection", definition.collection());
        KeyLayout.Slice[] slices = definition.keys().labels();
        this.labelNames = new String[slices.length];
        for (int i = 0; i < slices.length; i++) {
            labelNames[i] = slices[i].name();
        }
    }

    /** A new series for the given tags (labels, 'collection' and, per CPU, 'cpu'). */
    abstract S newSeries(Tags tags);

    /** Adds one entry's value to the binding's series, and marks them touched. */
    abstract void accumulate(Binding binding, ByteBuffer values, int valueOffset);

    /** Makes the accumulated values visible and clears the accumulators. */
    abstract void publish(S series);

    /** Registers the series' meters in {@code registry} (adding them to {@code series.meters}). */
    abstract void register(S series, MeterRegistry registry);

    /**
     * Whether each entry adds one number ({@link #directValue}) to the one series of a live binding, kept in
     * {@link #sums}; otherwise {@link #accumulate} sees every entry with its binding (several series or slots).
     */
    boolean direct() {
        return false;
    }

    /** For {@link #direct} families: the number an entry adds to its series' sum. */
    long directValue(ByteBuffer values, int valueOffset) {
        throw new UnsupportedOperationException();
    }

    /** Marks a series as seen by the current read. */
    final void touch(Series series) {
        touched[series.index] = true;
    }

    /** The bucket slot of a key, for histograms; 0 otherwise. */
    int slotOf(byte[] key) {
        return 0;
    }

    /** Publishes this family's series to {@code registry} from now on. */
    void bindTo(MeterRegistry registry) {
        synchronized (lock) {
            registries.add(registry);
            for (S s : live) {
                register(s, registry);
            }
        }
    }

    /** Removes every meter of this family from every registry. */
    void close() {
        synchronized (lock) {
            for (S s : live) {
                unregister(s);
            }
            series.clear();
            live.clear();
            bindings.clear();
            Arrays.fill(positionBindings, null);
            Arrays.fill(touched, false);
            Arrays.fill(sums, 0);
            version++;
            seriesCount = 0;
        }
    }

    String metric() {
        return definition.metric();
    }

    String collection() {
        return definition.collection();
    }

    /** Series currently published. */
    int seriesCount() {
        return seriesCount;
    }

    /** Keys of the last read that were not published because the metric reached max-series. */
    int droppedSeries() {
        return lastOverCap;
    }

    /** Counts an input that could not be decoded for a reason outside the decoders (a record too short). */
    void undecodable() {
        decoderErrors.increment();
    }

    /** Keys whose labels could not be decoded, since the start. */
    long decoderErrors() {
        return decoderErrors.sum();
    }

    /**
     * The tags of the key {@link #accept} saw last (the first CPU's series), or {@code null} when it was not
     * published; call holding {@link #lock}.
     */
    Tags lastTags() {
        return last != null && last.state == Binding.State.LIVE ? last.targets[0].tags : null;
    }

    /** Changes whenever a series is added or removed; call holding {@link #lock}. */
    long version() {
        return version;
    }

    /** The live series, each at its {@link Series#index}; call holding {@link #lock}. */
    List<S> series() {
        return live;
    }

    @Override
    public void begin(long nowNanos) {
        now = nowNanos;
        walked = 0;
        overCap = 0;
    }

    /**
     * A batch in two passes: first every key is looked up, then every entry is applied. The lookups of a batch do
     * not depend on each other, so their cache misses overlap instead of queuing behind each entry's updates.
     */
    @Override
    public void acceptBatch(ByteBuffer keys, int keySize, ByteBuffer values, int valueStride, int count) {
        if (found.length < count) {
            found = new Binding[count];
        }
        Binding[] bound = found;
        int first = walked;
        for (int i = 0; i < count; i++) {
            bindings.load(keys, i * keySize, probe);
            bound[i] = bindings.getInWalk(walked++, probe);
        }
        if (positionBindings.length < walked) {
            int length = Math.max(walked, positionBindings.length * 2);
            positionBindings = Arrays.copyOf(positionBindings, length);
            positionIndexes = Arrays.copyOf(positionIndexes, length);
        }
        for (int i = 0; i < count; i++) {
            Binding binding = bound[i];
            bound[i] = null;
            int position = first + i;
            if (binding == null) {
                accept(keys, i * keySize, values, i * valueStride); // new in this batch: decoded, then applied
                continue;
            }
            if (positionBindings[position] != binding) {
                positionBindings[position] = binding;
                positionIndexes[position] = binding.state == Binding.State.LIVE && direct() ? binding.first.index
                        : -1;
            }
            int index = positionIndexes[position];
            if (index >= 0) {
                sums[index] += directValue(values, i * valueStride);
                touched[index] = true;
            } else {
                apply(binding, values, i * valueStride);
            }
        }
    }

    @Override
    public void accept(ByteBuffer keys, int keyOffset, ByteBuffer values, int valueOffset) {
        bindings.load(keys, keyOffset, probe);
        Binding binding = bindings.get(probe);
        if (binding == null) {
            keys.get(keyOffset, key, 0, key.length);
            definition.keys().clearPadding(key);
            binding = bind();
        }
        apply(binding, values, valueOffset);
    }

    private void apply(Binding binding, ByteBuffer values, int valueOffset) {
        binding.lastSeenNanos = now;
        last = binding;
        if (binding.state == Binding.State.LIVE) {
            accumulate(binding, values, valueOffset);
        } else if (binding.state == Binding.State.OVER_CAP) {
            overCap++;
        }
    }

    private Binding bind() {
        KeyLayout layout = definition.keys();
        String[] values = new String[layout.labels().length];
        Binding binding;
        try {
            if (layout.decode(key, values)) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = canonical(values[i]);
                }
                binding = resolve(values, slotOf(key));
            } else {
                binding = drop();
            }
        } catch (DecoderChain.DecodingException e) {
            decoderErrors.increment();
            if (logger.isDebugEnabled()) {
                logger.debug("Metric '" + definition.meterName() + "' of collection '" + definition.collection()
                        + "': " + e.getMessage(), e);
            }
            binding = drop();
        }
        if (bindings.size() < definition.labelCacheSize()) {
            bindings.put(probe, binding);
        } else if (!warnedCache) {
            warnedCache = true;
            logger.warn("Metric '" + definition.meterName() + "' of collection '" + definition.collection()
                    + "' sees more than " + definition.labelCacheSize() + " distinct keys: keys beyond that are decoded"
                    + " on every read (raise ebpf.metrics.label-cache-size)");
        }
        return binding;
    }

    /**
     * One String per distinct label value: series that share a value (a protocol, a device) share its String, which
     * keeps what a scrape walks small and lets equal values compare at once.
     */
    private String canonical(String value) {
        String known = labelValues.get(value);
        if (known != null) {
            return known;
        }
        labelValues.put(value, value);
        return value;
    }

    private Binding drop() {
        return new Binding(Binding.State.DROPPED, null, 0);
    }

    private Binding resolve(String[] values, int slot) {
        boolean perCpu = definition.perCpu() == EbpfMetricsProperties.PerCpu.PER_CPU;
        int cpus = perCpu ? definition.values().cpus() : 1;
        Series[] targets = new Series[cpus];
        int missing = 0;
        for (int cpu = 0; cpu < cpus; cpu++) {
            if (!series.containsKey(tagValues(values, perCpu, cpu))) {
                missing++;
            }
        }
        if (series.size() + missing > definition.maxSeries()) {
            if (!warnedCap) {
                warnedCap = true;
                logger.warn("Metric '" + definition.meterName() + "' of collection '" + definition.collection()
                        + "' reached max-series (" + definition.maxSeries() + "): further keys are counted in "
                        + "ebpf.series.dropped instead of published");
            }
            return new Binding(Binding.State.OVER_CAP, null, slot);
        }
        for (int cpu = 0; cpu < cpus; cpu++) {
            TagValues tagValues = tagValues(values, perCpu, cpu);
            S s = series.get(tagValues);
            if (s == null) {
                s = newSeries(tags(values, perCpu, cpu));
                s.lastSeenNanos = now;
                s.tagValues = tagValues;
                series.put(tagValues, s);
                s.index = live.size();
                live.add(s);
                if (touched.length < live.size()) {
                    touched = Arrays.copyOf(touched, Math.max(16, 2 * live.size()));
                    sums = Arrays.copyOf(sums, touched.length);
                }
                version++;
                for (MeterRegistry registry : registries) {
                    register(s, registry);
                }
            }
            targets[cpu] = s;
        }
        seriesCount = series.size();
        return new Binding(Binding.State.LIVE, targets, slot);
    }

    private static TagValues tagValues(String[] values, boolean perCpu, int cpu) {
        if (!perCpu) {
            return new TagValues(values);
        }
        String[] withCpu = Arrays.copyOf(values, values.length + 1);
        withCpu[values.length] = Integer.toString(cpu);
        return new TagValues(withCpu);
    }

    private Tags tags(String[] values, boolean perCpu, int cpu) {
        List<Tag> tags = new ArrayList<>(values.length + 1);
        for (int i = 0; i < values.length; i++) {
            tags.add(Tag.of(labelNames[i], values[i]));
        }
        if (perCpu) {
            tags.add(Tag.of("cpu", Integer.toString(cpu)));
        }
        return baseTags.and(tags);
    }

    @Override
    public void end(long nowNanos) {
        boolean removed = false;
        for (int i = live.size() - 1; i >= 0; i--) {
            S s = live.get(i);
            if (touched[i]) {
                publish(s);
                touched[i] = false;
                sums[i] = 0;
                s.lastSeenNanos = nowNanos;
            } else if (nowNanos - s.lastSeenNanos > definition.staleAfterNanos()) {
                unregister(s);
                series.remove(s.tagValues);
                // the last series was published above (this loop runs backwards): nothing of it is pending
                S moved = live.remove(live.size() - 1);
                if (moved != s) {
                    moved.index = i;
                    live.set(i, moved);
                }
                removed = true;
                version++;
            }
        }
        if (removed) {
            Arrays.fill(positionBindings, null); // series moved: positions find their (new) indexes again
        }
        capacityFreed |= removed;
        if (removed || nowNanos - lastSweepNanos > definition.staleAfterNanos()) {
            sweepBindings(nowNanos);
        }
        seriesCount = live.size();
        lastOverCap = overCap;
    }

    /** Forgets keys not seen for stale-after, keys of removed series, and (when room appeared) capped keys. */
    private void sweepBindings(long nowNanos) {
        lastSweepNanos = nowNanos;
        for (int position = 0; position < Math.min(walked, positionBindings.length); position++) {
            if (positionBindings[position] != null) {
                positionBindings[position].lastSeenNanos = nowNanos; // seen in this read, not stamped on the way
            }
        }
        boolean retryCapped = capacityFreed;
        capacityFreed = false;
        bindings.removeIf(b -> nowNanos - b.lastSeenNanos > definition.staleAfterNanos()
                || (b.state == Binding.State.OVER_CAP && retryCapped)
                || (b.state == Binding.State.LIVE && anyRemoved(b.targets)));
    }

    private static boolean anyRemoved(Series[] targets) {
        for (Series s : targets) {
            if (s.removed) {
                return true;
            }
        }
        return false;
    }

    private void unregister(S s) {
        s.removed = true;
        for (Meter meter : s.meters) {
            for (MeterRegistry registry : registries) {
                registry.remove(meter);
            }
        }
        s.meters.clear();
    }

    /** For meter functions: reads the map first when refreshing on scrape. */
    final void refreshForRead() {
        if (refreshOnRead) {
            reader.refreshIfDue();
        }
    }

    /** For the Prometheus collector: as {@link #refreshForRead}, using a read the entries gauge just made. */
    final void refreshForCollector() {
        if (refreshOnRead) {
            reader.refreshForCollector();
        }
    }
}
