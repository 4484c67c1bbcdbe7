package io.ebpf4j.spring.metrics;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Configuration of the metrics read from BPF collections, under the {@code ebpf} prefix beside
 * {@code EbpfProperties}: the settings shared by every collection ({@code ebpf.metrics}) and each collection's
 * metrics ({@code ebpf.collections.<name>.metrics}), next to its object.
 *
 * <pre>{@code
 * ebpf:
 *   metrics:
 *     min-refresh: 1s
 *   collections:
 *     syscalls:
 *       object: classpath:bpf/syscalls.bpf.o
 *       metrics:
 *         counters:
 *           - name: syscalls
 *             map: counts
 *             labels: [ { name: syscall, size: 8, decoders: [ { name: uint }, { name: syscall } ] } ]
 * }</pre>
 */
@ConfigurationProperties("ebpf")
public class EbpfMetricsProperties {

    /** Settings shared by the metrics of every collection. */
    private final Metrics metrics = new Metrics();

    /** The metrics of each BPF collection, by collection name. */
    private Map<String, CollectionMetricsProperties> collections = new LinkedHashMap<>();

    public Metrics getMetrics() {
        return metrics;
    }

    public Map<String, CollectionMetricsProperties> getCollections() {
        return collections;
    }

    public void setCollections(Map<String, CollectionMetricsProperties> collections) {
        this.collections = collections;
    }

    /** The metrics part of one collection's configuration. */
    public static class CollectionMetricsProperties {
        /** Metrics read from this collection's maps and events. */
        private final CollectionMetrics metrics = new CollectionMetrics();

        public CollectionMetrics getMetrics() {
            return metrics;
        }
    }


    /** Settings shared by every collection's metrics. */
    public static class Metrics {
        /** Prefix of every meter name: '<prefix>.<metric name>'. */
        private String prefix = "ebpf";

        /** When maps are read: on each scrape (at most every min-refresh), or on a fixed interval. */
        private Refresh refresh = Refresh.ON_SCRAPE;

        /** Period of reading when refresh is 'interval'. */
        private Duration refreshInterval = Duration.ofSeconds(15);

        /**
         * Minimum time between two reads of the same map when refresh is 'on-scrape': the meters of one scrape share
         * one read as long as the scrape takes less than this. 0 reads on every meter poll (for tests only).
         */
        private Duration minRefresh = Duration.ofSeconds(1);

        /** Remove series whose key has not been seen in the map for this long. */
        private Duration staleAfter = Duration.ofMinutes(10);

        /** Maximum number of series per metric; keys beyond it are counted in ebpf.series.dropped, not published. */
        private int maxSeries = 10_000;

        /** Whether maps are read with batch lookups: 'auto' uses them when the kernel supports them. */
        private Batch batch = Batch.AUTO;

        /**
         * How map metrics are published: 'auto' publishes them straight to the Prometheus registry when one is in
         * use (real histograms, cheap scrapes) and as Micrometer meters otherwise.
         */
        private Publishing publishing = Publishing.AUTO;

        /**
         * Maximum number of distinct keys whose decoded labels each metric caches (keys beyond it are decoded on
         * every read), and of names each system lookup keeps (interfaces, block devices, cgroups).
         */
        private int labelCacheSize = 100_000;

        /**
         * Whether to keep the kernel's per-program run statistics on (BPF_ENABLE_STATS) while the application runs,
         * for the ebpf.program.run.count and ebpf.program.run.time meters. Costs a few nanoseconds per program run.
         */
        private boolean programStatistics = true;

        public String getPrefix() {
            return prefix;
        }

        public void setPrefix(String prefix) {
            this.prefix = prefix;
        }

        public Refresh getRefresh() {
            return refresh;
        }

        public void setRefresh(Refresh refresh) {
            this.refresh = refresh;
        }

        public Duration getRefreshInterval() {
            return refreshInterval;
        }

        public void setRefreshInterval(Duration refreshInterval) {
            this.refreshInterval = refreshInterval;
        }

        public Duration getMinRefresh() {
            return minRefresh;
        }

        public void setMinRefresh(Duration minRefresh) {
            this.minRefresh = minRefresh;
        }

        public Duration getStaleAfter() {
            return staleAfter;
        }

        public void setStaleAfter(Duration staleAfter) {
            this.staleAfter = staleAfter;
        }

        public int getMaxSeries() {
            return maxSeries;
        }

        public void setMaxSeries(int maxSeries) {
            this.maxSeries = maxSeries;
        }

        public Batch getBatch() {
            return batch;
        }

        public void setBatch(Batch batch) {
            this.batch = batch;
        }

        public Publishing getPublishing() {
            return publishing;
        }

        public void setPublishing(Publishing publishing) {
            this.publishing = publishing;
        }

        public int getLabelCacheSize() {
            return labelCacheSize;
        }

        public void setLabelCacheSize(int labelCacheSize) {
            this.labelCacheSize = labelCacheSize;
        }

        public boolean isProgramStatistics() {
            return programStatistics;
        }

        public void setProgramStatistics(boolean programStatistics) {
            this.programStatistics = programStatistics;
        }
    }

    /** When maps are read. */
    public enum Refresh {
        /** On each scrape, at most once per min-refresh. */
        ON_SCRAPE,
        /** On a fixed interval (refresh-interval), independent of scrapes. */
        INTERVAL
    }

    /** Use of batch lookups. */
    public enum Batch {
        AUTO, ON, OFF
    }

    /** How map metrics (counters, gauges, histograms) reach the meter registry. */
    public enum Publishing {
        /** Prometheus-native when a PrometheusMeterRegistry is in use, Micrometer meters otherwise. */
        AUTO,
        /**
         * Straight to the Prometheus registry: one collector per metric instead of one meter per series, histograms
         * as real histograms (_bucket, _sum, _count); meter filters (MeterFilter beans, management.metrics.tags and
         * .enable) are applied to them. Fails without a PrometheusMeterRegistry.
         */
        PROMETHEUS_NATIVE,
        /**
         * Micrometer meters for every registry: function counters and gauges, histograms as counters
         * '<name>.buckets' (one per bucket, tagged 'le', cumulative), '<name>.count' and '<name>.sum'.
         */
        MICROMETER
    }

    /** The metrics of one collection. */
    public static class CollectionMetrics {
        /** Monotonic values read from maps. */
        private List<Counter> counters = new ArrayList<>();

        /** Current-state values read from maps (queue depths, in-flight requests). */
        private List<Gauge> gauges = new ArrayList<>();

        /** Kernel-side histograms: the key's last label (or its bucket-field) is the bucket index. */
        private List<Histogram> histograms = new ArrayList<>();

        /** Counters incremented by records of ring buffers or perf event arrays. */
        private List<EventCounter> eventCounters = new ArrayList<>();

        public List<Counter> getCounters() {
            return counters;
        }

        public void setCounters(List<Counter> counters) {
            this.counters = counters;
        }

        public List<Gauge> getGauges() {
            return gauges;
        }

        public void setGauges(List<Gauge> gauges) {
            this.gauges = gauges;
        }

        public List<Histogram> getHistograms() {
            return histograms;
        }

        public void setHistograms(List<Histogram> histograms) {
            this.histograms = histograms;
        }

        public List<EventCounter> getEventCounters() {
            return eventCounters;
        }

        public void setEventCounters(List<EventCounter> eventCounters) {
            this.eventCounters = eventCounters;
        }
    }

    /** Aggregation of per-CPU map values. */
    public enum PerCpu {
        /** Add the values of all CPUs. */
        SUM,
        /** Take the largest value. */
        MAX,
        /** One series per CPU, with a 'cpu' tag. */
        PER_CPU
    }

    /** What every metric has: a name, the map it reads, how keys (or records) become tags, series limits. */
    public abstract static class Metric {
        /**
         * Meter name, in dot notation (e.g. 'syscalls'); defaults to the map name. Prefixed with ebpf.metrics.prefix.
         */
        private String name;

        /** Meter description. */
        private String description;

        /**
         * Map to read: a data map for counters, gauges and histograms; a ring buffer or perf event array for event
         * counters.
         */
        private String map;

        /**
         * How each key (or, for event counters, the start of each record) is split into tags, in order. Either by
         * 'size' (and 'padding') in bytes, as ebpf_exporter does, or by 'field' (a member of the map's BTF key type,
         * or of the event counter's record-type, whose offset and size are taken from BTF).
         */
        private List<Label> labels = new ArrayList<>();

        /** Series removal for this metric; defaults to ebpf.metrics.stale-after. */
        private Duration staleAfter;

        /** Cardinality cap for this metric; defaults to ebpf.metrics.max-series. */
        private Integer maxSeries;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getDescription() {
            return description;
        }

        public void setDescription(String description) {
            this.description = description;
        }

        public String getMap() {
            return map;
        }

        public void setMap(String map) {
            this.map = map;
        }

        public List<Label> getLabels() {
            return labels;
        }

        public void setLabels(List<Label> labels) {
            this.labels = labels;
        }

        public Duration getStaleAfter() {
            return staleAfter;
        }

        public void setStaleAfter(Duration staleAfter) {
            this.staleAfter = staleAfter;
        }

        public Integer getMaxSeries() {
            return maxSeries;
        }

        public void setMaxSeries(Integer maxSeries) {
            this.maxSeries = maxSeries;
        }
    }

    /** A metric read from a map: its keys become tags, its values meters. */
    public abstract static class MapMetric extends Metric {
        /** Base unit of the values (e.g. 'bytes', 'seconds'). */
        private String baseUnit;

        /**
         * For struct values: one meter per member, by BTF member name. When empty, the value itself (an integer of
         * 1, 2, 4 or 8 bytes) is the number.
         */
        private List<Value> values = new ArrayList<>();

        /** Aggregation of per-CPU maps: 'sum', 'max', or 'per-cpu' for one series per CPU (tag 'cpu'). */
        private PerCpu perCpu = PerCpu.SUM;

        public String getBaseUnit() {
            return baseUnit;
        }

        public void setBaseUnit(String baseUnit) {
            this.baseUnit = baseUnit;
        }

        public List<Value> getValues() {
            return values;
        }

        public void setValues(List<Value> values) {
            this.values = values;
        }

        public PerCpu getPerCpu() {
            return perCpu;
        }

        public void setPerCpu(PerCpu perCpu) {
            this.perCpu = perCpu;
        }
    }

    /** A counter per key (and per value member). */
    public static class Counter extends MapMetric {
    }

    /** A gauge per key (and per value member). */
    public static class Gauge extends MapMetric {
    }

    /** A histogram whose buckets the kernel program computed. */
    public static class Histogram extends MapMetric {
        /** How bucket indexes map to upper bounds. */
        private BucketType bucketType = BucketType.EXP2;

        /** Smallest bucket index (exp2, exp2zero, linear). */
        private int bucketMin;

        /** Largest bucket index (exp2, exp2zero, linear). */
        private int bucketMax;

        /** Bucket keys for 'fixed' buckets, in increasing order. */
        private List<Double> bucketKeys = new ArrayList<>();

        /** Factor from kernel units to base units, e.g. 0.000001 for microseconds to seconds. */
        private double bucketMultiplier = 1.0;

        /**
         * BTF member of the key holding the bucket index; when unset, the last label is the bucket index
         * (ebpf_exporter's convention).
         */
        private String bucketField;

        /**
         * Whether the key bucket-max + 1 (or the last fixed key + 1) holds the sum of observed values, as
         * ebpf_exporter's increment macros write it.
         */
        private boolean sumKey = true;

        public BucketType getBucketType() {
            return bucketType;
        }

        public void setBucketType(BucketType bucketType) {
            this.bucketType = bucketType;
        }

        public int getBucketMin() {
            return bucketMin;
        }

        public void setBucketMin(int bucketMin) {
            this.bucketMin = bucketMin;
        }

        public int getBucketMax() {
            return bucketMax;
        }

        public void setBucketMax(int bucketMax) {
            this.bucketMax = bucketMax;
        }

        public List<Double> getBucketKeys() {
            return bucketKeys;
        }

        public void setBucketKeys(List<Double> bucketKeys) {
            this.bucketKeys = bucketKeys;
        }

        public double getBucketMultiplier() {
            return bucketMultiplier;
        }

        public void setBucketMultiplier(double bucketMultiplier) {
            this.bucketMultiplier = bucketMultiplier;
        }

        public String getBucketField() {
            return bucketField;
        }

        public void setBucketField(String bucketField) {
            this.bucketField = bucketField;
        }

        public boolean isSumKey() {
            return sumKey;
        }

        public void setSumKey(boolean sumKey) {
            this.sumKey = sumKey;
        }
    }

    /** Bucket index to upper bound, as in ebpf_exporter. */
    public enum BucketType {
        /** Bucket i holds values up to 2^i. */
        EXP2,
        /** Bucket 0 holds zeros, bucket i > 0 values up to 2^(i-1). */
        EXP2ZERO,
        /** Bucket i holds values up to i (times the multiplier). */
        LINEAR,
        /** Buckets are the listed bucket-keys. */
        FIXED
    }

    /** A counter fed by ring buffer or perf event array records; labels cut the start of each record. */
    public static class EventCounter extends Metric {
        /**
         * BTF type of the records (the struct the program submits, e.g. 'event' for 'struct event'), for labels
         * given by 'field'. Records may be longer than the labels; the rest is ignored.
         */
        private String recordType;

        /** Whether records are also published as Spring application events (EbpfRecordEvent). */
        private boolean publishEvents;

        public String getRecordType() {
            return recordType;
        }

        public void setRecordType(String recordType) {
            this.recordType = recordType;
        }

        public boolean isPublishEvents() {
            return publishEvents;
        }

        public void setPublishEvents(boolean publishEvents) {
            this.publishEvents = publishEvents;
        }
    }

    /** One tag taken from a slice of the key (or record). */
    public static class Label {
        /** Tag name. */
        private String name;

        /** Size of the slice in bytes (ebpf_exporter style); not needed with 'field'. */
        private Integer size;

        /** Bytes to skip after the slice (alignment padding). */
        private int padding;

        /** BTF member of the key type to take, instead of size/padding. */
        private String field;

        /** Decoders applied in order to turn the bytes into the tag value. */
        private List<Decoder> decoders = new ArrayList<>();

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Integer getSize() {
            return size;
        }

        public void setSize(Integer size) {
            this.size = size;
        }

        public int getPadding() {
            return padding;
        }

        public void setPadding(int padding) {
            this.padding = padding;
        }

        public String getField() {
            return field;
        }

        public void setField(String field) {
            this.field = field;
        }

        public List<Decoder> getDecoders() {
            return decoders;
        }

        public void setDecoders(List<Decoder> decoders) {
            this.decoders = decoders;
        }
    }

    /** A decoder in a label's chain. */
    public static class Decoder {
        /**
         * Decoder name: uint, string, hex, inet-ip, ifname, majorminor, cgroup, ksym, kstack, syscall, errno, dname,
         * static-map, regexp, pci-vendor, pci-device, pci-class, pci-subclass, or the name of an EbpfLabelDecoder
         * bean.
         */
        private String name;

        /** For 'static-map': input value to output value. */
        private Map<String, String> staticMap = new LinkedHashMap<>();

        /** For 'static-map': pass inputs without a mapping through unchanged, instead of as 'unknown:<input>'. */
        private boolean allowUnknown;

        /**
         * For 'regexp': patterns; the first match's first group (or the whole match) is kept, no match drops the
         * series.
         */
        private List<String> regexps = new ArrayList<>();

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Map<String, String> getStaticMap() {
            return staticMap;
        }

        public void setStaticMap(Map<String, String> staticMap) {
            this.staticMap = staticMap;
        }

        public boolean isAllowUnknown() {
            return allowUnknown;
        }

        public void setAllowUnknown(boolean allowUnknown) {
            this.allowUnknown = allowUnknown;
        }

        public List<String> getRegexps() {
            return regexps;
        }

        public void setRegexps(List<String> regexps) {
            this.regexps = regexps;
        }
    }

    /** A member of a struct value published as its own meter. */
    public static class Value {
        /** BTF member of the value type. */
        private String field;

        /** Meter name; defaults to '<metric name>.<field>'. */
        private String name;

        /** Meter description; defaults to the metric's. */
        private String description;

        /** Base unit of this member. */
        private String baseUnit;

        public String getField() {
            return field;
        }

        public void setField(String field) {
            this.field = field;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getDescription() {
            return description;
        }

        public void setDescription(String description) {
            this.description = description;
        }

        public String getBaseUnit() {
            return baseUnit;
        }

        public void setBaseUnit(String baseUnit) {
            this.baseUnit = baseUnit;
        }
    }
}
