package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.ProgramType;
import io.ebpf4j.link.XdpMode;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Configuration of the BPF collections an application loads, under the {@code ebpf} prefix.
 *
 * <pre>{@code
 * ebpf:
 *   collections:
 *     syscalls:
 *       object: classpath:bpf/syscalls.bpf.o
 *       constants: { target_pid: self }
 *       metrics:
 *         counters:
 *           - name: syscalls
 *             map: counts
 *             labels: [ { name: syscall, size: 8, decoders: [ { name: uint }, { name: syscall } ] } ]
 * }</pre>
 */
@ConfigurationProperties("ebpf")
public class EbpfProperties implements Validator {

    /** Whether to load the configured BPF collections. */
    private boolean enabled = true;

    /**
     * What happens when a collection cannot be loaded or one of its programs cannot be attached: 'fail' stops the
     * application, 'warn' logs, marks the collection as failed in health and the endpoint, and starts anyway.
     */
    private FailureMode failureMode = FailureMode.FAIL;

    /**
     * Whether to mount bpffs (/sys/fs/bpf) and tracefs (/sys/kernel/tracing) at startup when the machine has not
     * mounted them; needs CAP_SYS_ADMIN. In containers, prefer mounting the host's file systems.
     */
    private boolean mountFileSystems;

    /** Kernel BTF for kernels without /sys/kernel/btf/vmlinux. */
    private final Btf btf = new Btf();

    /** Settings shared by the metrics of every collection. */
    private final Metrics metrics = new Metrics();

    /** BPF collections (ELF objects) to load, by name. The name prefixes bean names: '<collection>.<map>'. */
    private Map<String, CollectionProperties> collections = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public FailureMode getFailureMode() {
        return failureMode;
    }

    public boolean isMountFileSystems() {
        return mountFileSystems;
    }

    public void setMountFileSystems(boolean mountFileSystems) {
        this.mountFileSystems = mountFileSystems;
    }

    public void setFailureMode(FailureMode failureMode) {
        this.failureMode = failureMode;
    }

    public Btf getBtf() {
        return btf;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    public Map<String, CollectionProperties> getCollections() {
        return collections;
    }

    public void setCollections(Map<String, CollectionProperties> collections) {
        this.collections = collections;
    }

    /** Spring Boot validates a properties class that is its own {@link Validator} when it binds it. */
    @Override
    public boolean supports(Class<?> type) {
        return EbpfProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        EbpfPropertiesValidation.validate((EbpfProperties) target, errors);
    }

    /** How load and attach failures are handled. */
    public enum FailureMode {
        /** Stop the application with a failure analysis. */
        FAIL,
        /** Log a warning, report the failure in health and the endpoint, keep running. */
        WARN
    }

    /** External kernel BTF. */
    public static class Btf {
        /** Raw BTF of the running kernel (e.g. from btfhub), for kernels without /sys/kernel/btf/vmlinux. */
        private Resource path;

        public Resource getPath() {
            return path;
        }

        public void setPath(Resource path) {
            this.path = path;
        }
    }

    /** One BPF ELF object, its programs and the metrics read from its maps. */
    public static class CollectionProperties {
        /** The BPF ELF object, e.g. 'classpath:bpf/counter.bpf.o' or 'file:/opt/bpf/counter.bpf.o'. */
        private Resource object;

        /** Failure handling for this collection; defaults to ebpf.failure-mode. */
        private FailureMode failureMode;

        /**
         * Values of global variables ('const volatile' in .rodata, or .data), set before loading. A value is a
         * number, 'true'/'false', a string for char arrays, 'self' for this JVM's process id, or 'kaddr:<symbol>'
         * for a kernel symbol's address.
         */
        private Map<String, String> constants = new LinkedHashMap<>();

        /**
         * Directory in bpffs where maps declared with LIBBPF_PIN_BY_NAME are pinned, so that their contents survive
         * restarts. Must lie under a bpffs mount, normally /sys/fs/bpf.
         */
        private String pinPath;

        /** Changes to map definitions before loading, by map name. */
        private Map<String, MapOverride> mapOverrides = new LinkedHashMap<>();

        /** How programs are attached, by program (function) name. Programs not listed are attached automatically. */
        private Map<String, Program> programs = new LinkedHashMap<>();

        /** Metrics read from this collection's maps and events. */
        private final CollectionMetrics metrics = new CollectionMetrics();

        public Resource getObject() {
            return object;
        }

        public void setObject(Resource object) {
            this.object = object;
        }

        public FailureMode getFailureMode() {
            return failureMode;
        }

        public void setFailureMode(FailureMode failureMode) {
            this.failureMode = failureMode;
        }

        public Map<String, String> getConstants() {
            return constants;
        }

        public void setConstants(Map<String, String> constants) {
            this.constants = constants;
        }

        public String getPinPath() {
            return pinPath;
        }

        public void setPinPath(String pinPath) {
            this.pinPath = pinPath;
        }

        public Map<String, MapOverride> getMapOverrides() {
            return mapOverrides;
        }

        public void setMapOverrides(Map<String, MapOverride> mapOverrides) {
            this.mapOverrides = mapOverrides;
        }

        public Map<String, Program> getPrograms() {
            return programs;
        }

        public void setPrograms(Map<String, Program> programs) {
            this.programs = programs;
        }

        public CollectionMetrics getMetrics() {
            return metrics;
        }
    }

    /** A change to a map's definition before it is created. */
    public static class MapOverride {
        /**
         * Maximum number of entries (for ring buffers: the size in bytes, rounded up to a power-of-two number of
         * pages).
         */
        private Integer maxEntries;

        public Integer getMaxEntries() {
            return maxEntries;
        }

        public void setMaxEntries(Integer maxEntries) {
            this.maxEntries = maxEntries;
        }
    }

    /** How one program is attached. */
    public static class Program {
        /**
         * Where to attach: 'auto' (from the program's section name, like libbpf), 'none' (load only), or a hook such
         * as 'tracepoint', 'raw-tracepoint', 'tracing', 'kprobe', 'kretprobe', 'uprobe', 'uretprobe', 'usdt',
         * 'cgroup-skb/ingress', 'cgroup-skb/egress', 'cgroup/<hook>', 'sockops', 'xdp', 'tcx/ingress', 'tcx/egress',
         * 'socket-filter', 'perf-event', 'netfilter', 'sk-lookup', 'iter'.
         */
        private AttachKind attach = AttachKind.AUTO;

        /** Whether to load this program; a disabled program is neither loaded nor attached, and gets no bean. */
        private boolean enabled = true;

        /**
         * Whether a failure to attach this program fails the collection; by default required unless the
         * collection's failure mode is 'warn'.
         */
        private Boolean required;

        /**
         * Program type for a program whose section name libbpf does not know (e.g. 'xdp' for SEC("xdp/lo")), which
         * is otherwise not loadable; the section's type by default.
         */
        private ProgramType type;

        /** Tracepoint as 'group/name' for tracepoints, the name alone for raw tracepoints. */
        private String tracepoint;

        /** Kernel function for kprobes and kretprobes. */
        private String function;

        /**
         * cgroup v2 directory for cgroup hooks: 'self' for this JVM's cgroup, or a path, absolute or relative to the
         * cgroup v2 mount.
         */
        private String cgroup;

        /** Network interface for XDP, TCX and socket filters, in this process's network namespace. */
        private String interfaceName;

        /** How an XDP program runs on its interface. */
        private XdpMode xdpMode = XdpMode.DEFAULT;

        /** Executable or library for uprobes and USDT: a path, or 'self' for this JVM's executable. */
        private String binary;

        /** Function symbol in 'binary' for uprobes. */
        private String symbol;

        /** Offset added to the symbol's address for uprobes. */
        private long offset;

        /** USDT probe as 'provider:name'. */
        private String usdt;

        /** Process to trace for uprobes and USDT: a pid, or 'self'; all processes when unset. */
        private String pid;

        /** BPF cookie passed to the program (bpf_get_attach_cookie), where the hook supports one. */
        private Long cookie;

        /** The perf event whose samples run a perf-event program. */
        private final PerfEvent perfEvent = new PerfEvent();

        /** The netfilter hook a netfilter program runs at. */
        private final Netfilter netfilter = new Netfilter();

        public AttachKind getAttach() {
            return attach;
        }

        public void setAttach(AttachKind attach) {
            this.attach = attach;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Boolean getRequired() {
            return required;
        }

        public void setRequired(Boolean required) {
            this.required = required;
        }

        public ProgramType getType() {
            return type;
        }

        public void setType(ProgramType type) {
            this.type = type;
        }

        public String getTracepoint() {
            return tracepoint;
        }

        public void setTracepoint(String tracepoint) {
            this.tracepoint = tracepoint;
        }

        public String getFunction() {
            return function;
        }

        public void setFunction(String function) {
            this.function = function;
        }

        public String getCgroup() {
            return cgroup;
        }

        public void setCgroup(String cgroup) {
            this.cgroup = cgroup;
        }

        public String getInterface() {
            return interfaceName;
        }

        public void setInterface(String interfaceName) {
            this.interfaceName = interfaceName;
        }

        public String getBinary() {
            return binary;
        }

        public void setBinary(String binary) {
            this.binary = binary;
        }

        public String getSymbol() {
            return symbol;
        }

        public void setSymbol(String symbol) {
            this.symbol = symbol;
        }

        public long getOffset() {
            return offset;
        }

        public void setOffset(long offset) {
            this.offset = offset;
        }

        public String getUsdt() {
            return usdt;
        }

        public void setUsdt(String usdt) {
            this.usdt = usdt;
        }

        public String getPid() {
            return pid;
        }

        public void setPid(String pid) {
            this.pid = pid;
        }

        public Long getCookie() {
            return cookie;
        }

        public void setCookie(Long cookie) {
            this.cookie = cookie;
        }

        public XdpMode getXdpMode() {
            return xdpMode;
        }

        public void setXdpMode(XdpMode xdpMode) {
            this.xdpMode = xdpMode;
        }

        public PerfEvent getPerfEvent() {
            return perfEvent;
        }

        public Netfilter getNetfilter() {
            return netfilter;
        }
    }

    /** A perf counter sampled to run a perf-event program. */
    public static class PerfEvent {
        /** The counter to sample. */
        private PerfCounter event = PerfCounter.CPU_CLOCK;

        /** Samples per second; takes precedence over 'period'. */
        private Long frequency;

        /** Sample every this many events, when no frequency is given. */
        private Long period;

        public PerfCounter getEvent() {
            return event;
        }

        public void setEvent(PerfCounter event) {
            this.event = event;
        }

        public Long getFrequency() {
            return frequency;
        }

        public void setFrequency(Long frequency) {
            this.frequency = frequency;
        }

        public Long getPeriod() {
            return period;
        }

        public void setPeriod(Long period) {
            this.period = period;
        }
    }

    /** Perf counters a perf-event program can sample. Hardware counters are often missing in virtual machines. */
    public enum PerfCounter {
        /** Software: CPU wall-clock timer. */
        CPU_CLOCK,
        /** Software: clock of the running task. */
        TASK_CLOCK,
        /** Software: page faults. */
        PAGE_FAULTS,
        /** Software: context switches. */
        CONTEXT_SWITCHES,
        /** Software: migrations between CPUs. */
        CPU_MIGRATIONS,
        /** Hardware: CPU cycles. */
        CPU_CYCLES,
        /** Hardware: retired instructions. */
        INSTRUCTIONS,
        /** Hardware: cache accesses. */
        CACHE_REFERENCES,
        /** Hardware: cache misses. */
        CACHE_MISSES,
        /** Hardware: retired branch instructions. */
        BRANCH_INSTRUCTIONS,
        /** Hardware: mispredicted branches. */
        BRANCH_MISSES
    }

    /** Where a netfilter program hooks in. */
    public static class Netfilter {
        /** Protocol family of the packets. */
        private NetfilterFamily family = NetfilterFamily.IPV4;

        /** Netfilter hook. */
        private NetfilterHook hook = NetfilterHook.LOCAL_IN;

        /** Order among the hook's functions; lower runs first. */
        private int priority;

        /** Whether packets are defragmented before the program sees them (Linux 6.6+). */
        private boolean defragment;

        public NetfilterFamily getFamily() {
            return family;
        }

        public void setFamily(NetfilterFamily family) {
            this.family = family;
        }

        public NetfilterHook getHook() {
            return hook;
        }

        public void setHook(NetfilterHook hook) {
            this.hook = hook;
        }

        public int getPriority() {
            return priority;
        }

        public void setPriority(int priority) {
            this.priority = priority;
        }

        public boolean isDefragment() {
            return defragment;
        }

        public void setDefragment(boolean defragment) {
            this.defragment = defragment;
        }
    }

    /** Protocol families netfilter programs see. */
    public enum NetfilterFamily {
        IPV4, IPV6
    }

    /** Netfilter hooks. */
    public enum NetfilterHook {
        PRE_ROUTING, LOCAL_IN, FORWARD, LOCAL_OUT, POST_ROUTING
    }

    // -------------------------------------------------------------------------------------------------------------
    // Metrics

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
