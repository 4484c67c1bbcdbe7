package io.ebpf4j.spring.metrics;

import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.btf.Composite;
import io.ebpf4j.btf.Type;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.EbpfConfigurationException;
import io.ebpf4j.spring.ManagedCollection;
import io.ebpf4j.spring.autoconfigure.EbpfProperties;
import io.ebpf4j.spring.metrics.MapMetricFamily.Definition;

import io.micrometer.core.instrument.Clock;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.ApplicationEvent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The metrics declared under {@code ebpf.collections.<name>.metrics}, checked against the collections' objects (maps,
 * BTF types) and compiled into what publishes them: one reader per map read, the families of series, the program
 * statistics and the event sources. Configuration that does not fit its object fails here, at start-up, naming the
 * property; nothing is read from the kernel yet.
 */
final class DeclaredMetrics {
    private static final Log logger = LogFactory.getLog(EbpfMetrics.class);
    /** Map types whose entries are read as metrics. */
    static final Set<MapType> READABLE = EnumSet.of(MapType.HASH, MapType.ARRAY, MapType.PERCPU_HASH,
            MapType.PERCPU_ARRAY, MapType.LRU_HASH, MapType.LRU_PERCPU_HASH, MapType.LPM_TRIE);

    private final EbpfCollections collections;
    private final EbpfProperties properties;
    private final EbpfMetricsProperties metricsProperties;
    private final LabelDecoders decoders;
    private final String prefix;
    private final boolean refreshOnRead;
    private final Consumer<ApplicationEvent> publish;
    private final Object eventOwner;

    private final Map<String, MapReader> readers = new LinkedHashMap<>();
    private final List<MapMetricFamily<?>> families = new ArrayList<>();
    private final List<ProgramStatistics> programStatistics = new ArrayList<>();
    private final Map<String, EventCounters> eventCounters = new LinkedHashMap<>();
    /** Where each meter name of the declared metrics is published, for {@link #claimNames}. */
    private final Map<String, Claim> claims = new HashMap<>();

    /**
     * @param publish where event sources publish the records they are asked to
     * @param eventOwner the source of those events
     * @throws EbpfConfigurationException for a metric that does not fit its map, naming the property
     */
    DeclaredMetrics(EbpfCollections collections, EbpfProperties properties, EbpfMetricsProperties metricsProperties,
            LabelDecoders decoders, boolean refreshOnRead, Clock clock, Consumer<ApplicationEvent> publish,
            Object eventOwner) {
        this.collections = collections;
        this.properties = properties;
        this.metricsProperties = metricsProperties;
        this.decoders = decoders;
        this.prefix = metricsProperties.getMetrics().getPrefix();
        this.refreshOnRead = refreshOnRead;
        this.publish = publish;
        this.eventOwner = eventOwner;
        compile(clock);
    }

    Map<String, MapReader> readers() {
        return readers;
    }

    List<MapMetricFamily<?>> families() {
        return families;
    }

    List<ProgramStatistics> programStatistics() {
        return programStatistics;
    }

    Map<String, EventCounters> eventCounters() {
        return eventCounters;
    }

    private String name(String suffix) {
        return EbpfMetrics.prefixed(prefix, suffix);
    }

    private void compile(Clock clock) {
        long minRefresh = metricsProperties.getMetrics().getMinRefresh().toNanos();
        for (String collection : properties.getCollections().keySet()) {
            ManagedCollection managed = collections.get(collection).orElse(null);
            if (managed == null || managed.spec() == null) {
                logger.warn("Collection '" + collection + "' is not available"
                        + (managed != null && managed.failure() != null ? " (" + managed.failure().getMessage() + ")"
                                : "") + ": its metrics are not published");
                continue;
            }
            EbpfMetricsProperties.CollectionMetricsProperties declared = metricsProperties.getCollections()
                    .get(collection);
            EbpfMetricsProperties.CollectionMetrics config = declared != null ? declared.getMetrics()
                    : new EbpfMetricsProperties.CollectionMetrics();
            int index = 0;
            for (EbpfMetricsProperties.Counter counter : config.getCounters()) {
                compileValues(collection, managed, counter, ValueFamily.Kind.COUNTER, "counters[" + index++ + "]",
                        clock, minRefresh);
            }
            index = 0;
            for (EbpfMetricsProperties.Gauge gauge : config.getGauges()) {
                compileValues(collection, managed, gauge, ValueFamily.Kind.GAUGE, "gauges[" + index++ + "]", clock,
                        minRefresh);
            }
            index = 0;
            for (EbpfMetricsProperties.Histogram histogram : config.getHistograms()) {
                compileHistogram(collection, managed, histogram, "histograms[" + index++ + "]", clock, minRefresh);
            }
            index = 0;
            for (EbpfMetricsProperties.EventCounter counter : config.getEventCounters()) {
                compileEvents(collection, managed, counter, "event-counters[" + index++ + "]");
            }
            programStatistics.add(new ProgramStatistics(collections, collection, programNames(managed), minRefresh,
                    clock));
        }
    }

    private static List<String> programNames(ManagedCollection managed) {
        if (managed.collection() != null) {
            return List.copyOf(managed.collection().programs().keySet());
        }
        return List.copyOf(managed.spec().programs().keySet());
    }

    private void compileValues(String collection, ManagedCollection managed, EbpfMetricsProperties.MapMetric config,
            ValueFamily.Kind kind, String where, Clock clock, long minRefresh) {
        String metric = metricName(managed, config);
        try {
            MapSpec map = mapSpec(managed, config);
            String meterName = name(metric);
            Definition definition = Definition.compile(collection, metric, meterName, config, map, null,
                    metricsProperties.getMetrics(), decoders);
            MapReader reader = reader(collection, config.getMap(), clock, minRefresh);
            ValueFamily family = new ValueFamily(kind, definition, reader, refreshOnRead);
            claimNames(collection, where, family, kind == ValueFamily.Kind.GAUGE ? "gauge" : "counter", null);
            reader.add(family);
            families.add(family);
        } catch (IllegalArgumentException e) {
            throw invalid(collection, where, metric, e);
        }
    }

    private void compileHistogram(String collection, ManagedCollection managed, EbpfMetricsProperties.Histogram config,
            String where, Clock clock, long minRefresh) {
        String metric = metricName(managed, config);
        try {
            MapSpec map = mapSpec(managed, config);
            if (config.getPerCpu() == EbpfMetricsProperties.PerCpu.MAX) {
                throw new IllegalArgumentException("per-cpu 'max' does not apply to histograms; use 'sum' or"
                        + " 'per-cpu'");
            }
            HistogramBuckets buckets = HistogramBuckets.of(config);
            Definition definition = Definition.compile(collection, metric, name(metric), config, map,
                    config.getBucketField(), metricsProperties.getMetrics(), decoders);
            MapReader reader = reader(collection, config.getMap(), clock, minRefresh);
            HistogramFamily family = new HistogramFamily(definition, buckets, config.getDescription(),
                    config.getBaseUnit(), reader, refreshOnRead);
            claimNames(collection, where, family, "histogram", buckets.upperBounds());
            reader.add(family);
            families.add(family);
        } catch (IllegalArgumentException e) {
            throw invalid(collection, where, metric, e);
        }
    }

    private void compileEvents(String collection, ManagedCollection managed, EbpfMetricsProperties.EventCounter config,
            String where) {
        String metric = metricName(managed, config);
        try {
            if (config.getMap() == null) {
                throw new IllegalArgumentException("'map' is required: the ring buffer or perf event array to read");
            }
            MapSpec map = managed.spec().maps().get(config.getMap());
            if (map == null || (map.type() != MapType.RINGBUF && map.type() != MapType.PERF_EVENT_ARRAY)) {
                throw new IllegalArgumentException("'map' must name a ring buffer or perf event array; "
                        + (map == null ? "there is no map '" + config.getMap() + "'" : "'" + config.getMap()
                                + "' is a " + map.type() + " map"));
            }
            Type recordType = null;
            if (config.getRecordType() != null) {
                recordType = managed.spec().btf()
                        .flatMap(btf -> btf.typesByName(config.getRecordType()).stream()
                                .filter(t -> t instanceof Composite).findFirst())
                        .orElseThrow(() -> new IllegalArgumentException("record-type '" + config.getRecordType()
                                + "' is not a struct or union in the object's BTF"));
            }
            EventCounters source = eventCounters.computeIfAbsent(collection + "\0" + config.getMap(),
                    k -> new EventCounters(collection, config.getMap(), publish, eventOwner));
            Definition definition = Definition.compile(collection, metric, name(metric), config, recordType,
                    metricsProperties.getMetrics(), decoders);
            ValueFamily family = new ValueFamily(definition, source);
            claimNames(collection, where, family, "counter", null);
            source.add(family, config.isPublishEvents());
            families.add(family);
        } catch (IllegalArgumentException e) {
            throw invalid(collection, where, metric, e);
        }
    }

    private EbpfConfigurationException invalid(String collection, String where, String metric,
            IllegalArgumentException e) {
        EbpfProperties.CollectionProperties config = properties.getCollections().get(collection);
        String object = config.getObject() != null ? config.getObject().getDescription() : null;
        return new EbpfConfigurationException(collection, object, null, "ebpf.collections." + collection
                + ".metrics." + where, (metric != null ? "metric '" + metric + "' (" + where + ")" : where) + ": "
                + e.getMessage(), List.of(), e);
    }

    /** Where a meter name is published, and what its series look like. */
    private record Claim(String collection, String where, String type, List<String> labelNames, String baseUnit,
            double[] bounds) {

        String place() {
            return "ebpf.collections." + collection + ".metrics." + where;
        }
    }

    /**
     * Claims the meter names of a family. Metrics of different collections may share a name: Prometheus scrapes them
     * as one family (their 'collection' label keeps the series apart), which takes one type, one set of label names
     * and, for histograms, one set of buckets; anything else, or one name twice in a collection (whose series could
     * coincide), fails start-up here instead of every scrape.
     */
    private void claimNames(String collection, String where, MapMetricFamily<?> family, String type,
            double[] bounds) {
        List<String> labelNames = new ArrayList<>();
        labelNames.add("collection");
        for (KeyLayout.Slice slice : family.definition.keys().labels()) {
            labelNames.add(slice.name());
        }
        if (family.definition.perCpu() == EbpfMetricsProperties.PerCpu.PER_CPU) {
            labelNames.add("cpu");
        }
        for (ValueLayout.Field field : family.definition.values().fields()) {
            Claim claim = new Claim(collection, where, type, labelNames, field.baseUnit(), bounds);
            Claim earlier = claims.putIfAbsent(field.meterName(), claim);
            if (earlier == null) {
                continue;
            }
            String conflict = earlier.collection().equals(collection) ? "in the same collection"
                    : !earlier.type().equals(type) ? "as a " + earlier.type() + " there and a " + type + " here"
                    : !earlier.labelNames().equals(labelNames) ? "with label names " + earlier.labelNames()
                            + " there and " + labelNames + " here"
                    : !Objects.equals(earlier.baseUnit(), field.baseUnit()) ? "with base unit "
                            + earlier.baseUnit() + " there and " + field.baseUnit() + " here"
                    : !Arrays.equals(earlier.bounds(), bounds) ? "with other histogram buckets" : null;
            if (conflict != null) {
                EbpfProperties.CollectionProperties config = properties.getCollections().get(collection);
                throw new EbpfConfigurationException(collection,
                        config.getObject() != null ? config.getObject().getDescription() : null, null,
                        claim.place(), where + " publishes meter '" + field.meterName() + "', and so does "
                                + earlier.place() + " " + conflict + ": Prometheus scrapes one name as one family,"
                                + " of one type and one set of labels; rename one of them", List.of(), null);
            }
        }
    }

    /**
     * The metric's name without prefix: its 'name', else its map's; {@code null} (messages then name the property
     * instead) when neither names it, as when the map is missing or not in the object.
     */
    private static String metricName(ManagedCollection managed, EbpfMetricsProperties.Metric config) {
        if (config.getName() != null) {
            return config.getName();
        }
        return config.getMap() != null && managed.spec().maps().containsKey(config.getMap()) ? config.getMap() : null;
    }

    private static MapSpec mapSpec(ManagedCollection managed, EbpfMetricsProperties.MapMetric config) {
        if (config.getMap() == null) {
            throw new IllegalArgumentException("'map' is required: the map to read");
        }
        MapSpec map = managed.spec().maps().get(config.getMap());
        if (map == null) {
            throw new IllegalArgumentException("no map '" + config.getMap() + "'; maps: "
                    + managed.spec().maps().keySet());
        }
        if (!READABLE.contains(map.type())) {
            throw new IllegalArgumentException("map '" + config.getMap() + "' is a " + map.type()
                    + " map; metrics read " + READABLE + " maps (ring buffers and perf event arrays feed"
                    + " event-counters)");
        }
        if (config.getPerCpu() == EbpfMetricsProperties.PerCpu.PER_CPU && !map.type().isPerCpu()) {
            throw new IllegalArgumentException("per-cpu 'per-cpu' needs a per-CPU map, and '" + config.getMap()
                    + "' is a " + map.type() + " map");
        }
        return map;
    }

    private MapReader reader(String collection, String map, Clock clock, long minRefresh) {
        return readers.computeIfAbsent(collection + "\0" + map, k -> new MapReader(collections, collection, map,
                metricsProperties.getMetrics().getBatch(), minRefresh, clock));
    }
}
