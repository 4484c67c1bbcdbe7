package io.ebpf4j.spring.metrics;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfStats;
import io.ebpf4j.MapSpec;
import io.ebpf4j.VariableSpec;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.EbpfConfigurationException;
import io.ebpf4j.spring.ManagedCollection;
import io.ebpf4j.spring.autoconfigure.EbpfProperties;
import io.ebpf4j.spring.events.EbpfEventSources;
import io.ebpf4j.spring.events.EbpfRecordEvent;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Publishes the metrics declared under {@code ebpf.collections.<name>.metrics} and built-in meters about the
 * collections, to every registry it is bound to.
 *
 * <p>Declared metrics: counters and gauges (one series per key and value member) and kernel histograms, read from
 * maps. Each map is read once per refresh for all metrics using it: on scrape (at most once per
 * {@code ebpf.metrics.min-refresh}) or every {@code ebpf.metrics.refresh-interval}. With a
 * {@code PrometheusMeterRegistry} they are published natively to Prometheus ({@code ebpf.metrics.publishing}):
 * one collector instead of a meter per series, real histograms; otherwise as Micrometer function counters, gauges
 * and, for histograms, one counter per bucket.
 *
 * <p>Built-in meters, tagged {@code collection} (names under {@code ebpf.metrics.prefix}, default {@code ebpf}):
 * <ul>
 *   <li>{@code ebpf.program.run} (function timer, tag {@code program}): runs and total run time, kept by the kernel
 *       while {@code ebpf.metrics.program-statistics} holds BPF_ENABLE_STATS open;
 *   <li>{@code ebpf.program.attached} (gauge, tag {@code program}): 1 when attached, else 0;
 *   <li>{@code ebpf.map.max.entries} and {@code ebpf.map.entries} (gauges, tag {@code map}): capacity, and entries
 *       seen by the last read (for maps that metrics read, and arrays);
 *   <li>{@code ebpf.map.read} (timer, tag {@code map}): time spent reading and decoding a map per refresh;
 *   <li>{@code ebpf.decoder.errors} (counter, tag {@code metric}): keys whose labels failed to decode;
 *   <li>{@code ebpf.series} and {@code ebpf.series.dropped} (gauges, tag {@code metric}): published series, and
 *       keys of the last read left out because the metric reached {@code max-series};
 *   <li>{@code ebpf.events.read} and {@code ebpf.events.lost} (counters, tag {@code map}): records of the ring
 *       buffers and perf event arrays that event counters consume, and records lost (perf samples the kernel
 *       dropped, ring buffer records the program discarded).
 * </ul>
 *
 * <p>Event counters ({@code event-counters}) subscribe to ring buffers and perf event arrays read by
 * {@link EbpfEventSources}, count records by their decoded labels and, when asked, publish them as
 * {@link EbpfRecordEvent}s.
 */
public final class EbpfMetrics implements MeterBinder, ApplicationEventPublisherAware, AutoCloseable {
    private static final Log logger = LogFactory.getLog(EbpfMetrics.class);
    private static final boolean PROMETHEUS_PRESENT = isPresent(
            "io.micrometer.prometheusmetrics.PrometheusMeterRegistry");

    private final EbpfCollections collections;
    /** The settings shared by every collection's metrics ({@code ebpf.metrics}). */
    private final EbpfMetricsProperties.Metrics settings;
    private final LabelDecoders decoders;
    private final List<MeterFilter> nativeFilters;
    private final String prefix;
    private final boolean refreshOnRead;

    private boolean bound;
    private final Map<String, MapReader> readers;
    private final List<MapMetricFamily<?>> families;
    private final List<ProgramStatistics> programStatistics;
    private final Map<String, EventCounters> eventCounters;
    private ApplicationEventPublisher eventPublisher;
    private final List<NativeExport> nativeExports = new ArrayList<>();
    private ScheduledExecutorService scheduler;
    private BpfStats stats;
    private boolean closed;

    /**
     * Checks the declared metrics against the collections' objects (maps, BTF types) and prepares them.
     *
     * @param collections the managed collections, loaded
     * @throws EbpfConfigurationException for a metric that does not fit its map, naming the property
     * @param properties the collections' configuration ({@code ebpf.collections})
     * @param metricsProperties the metrics' configuration ({@code ebpf.metrics}, {@code ebpf.collections.*.metrics})
     * @param eventSources the reader of ring buffers and perf event arrays, which event counters subscribe to
     * @param customDecoders label decoders contributed by the application
     * @param nativeFilters meter filters applied to metrics published natively to Prometheus, which the registry's
     *     own filters do not reach (normally the application's {@code MeterFilter} beans)
     */
    public EbpfMetrics(EbpfCollections collections, EbpfProperties properties, EbpfMetricsProperties metricsProperties,
            EbpfEventSources eventSources, List<EbpfLabelDecoder> customDecoders, List<MeterFilter> nativeFilters) {
        this(collections, properties, metricsProperties, eventSources,
                LabelDecoders.create(metricsProperties.getMetrics().getLabelCacheSize(), customDecoders),
                nativeFilters);
    }

    EbpfMetrics(EbpfCollections collections, EbpfProperties properties, EbpfMetricsProperties metricsProperties,
            EbpfEventSources eventSources, LabelDecoders decoders, List<MeterFilter> nativeFilters) {
        this.collections = collections;
        this.settings = metricsProperties.getMetrics();
        this.decoders = decoders;
        this.nativeFilters = List.copyOf(nativeFilters);
        this.prefix = settings.getPrefix();
        this.refreshOnRead = settings.getRefresh() == EbpfMetricsProperties.Refresh.ON_SCRAPE;
        DeclaredMetrics declared = new DeclaredMetrics(collections, properties, metricsProperties, decoders,
                refreshOnRead, Clock.SYSTEM,
                event -> {
                    ApplicationEventPublisher publisher = eventPublisher;
                    if (publisher != null) {
                        publisher.publishEvent(event);
                    }
                }, this);
        this.readers = declared.readers();
        this.families = declared.families();
        this.programStatistics = declared.programStatistics();
        this.eventCounters = declared.eventCounters();
        eventCounters.values().forEach(counters -> counters.readFrom(eventSources));
    }

    private String name(String suffix) {
        return prefixed(prefix, suffix);
    }

    /** A meter name under {@code ebpf.metrics.prefix}. */
    static String prefixed(String prefix, String name) {
        return prefix == null || prefix.isEmpty() ? name : prefix + "." + name;
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        if (closed) {
            throw new IllegalStateException("EbpfMetrics is closed");
        }
        if (!bound) {
            bound = true;
            enableProgramStatistics();
        }
        bindBuiltIns(registry);
        bindFamilies(registry);
        readers.values().forEach(MapReader::refresh);
        startRefreshing();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Meters

    private void bindBuiltIns(MeterRegistry registry) {
        for (ProgramStatistics statistics : programStatistics) {
            String collection = statistics.collection();
            for (ProgramStatistics.Program program : statistics.programs()) {
                Tags tags = Tags.of("collection", collection, "program", program.name);
                FunctionTimer.builder(name("program.run"), program, ProgramStatistics.Program::runCount,
                                ProgramStatistics.Program::runTimeNs, TimeUnit.NANOSECONDS)
                        .tags(tags)
                        .description("Runs of the BPF program and their total time (kept while BPF statistics"
                                + " are enabled)")
                        .register(registry);
                Gauge.builder(name("program.attached"), collections, c -> attached(c, collection, program.name))
                        .tags(tags)
                        .description("Whether the BPF program is attached (1) or not (0)")
                        .strongReference(true)
                        .register(registry);
            }
            bindMapMeters(registry, collection);
        }
        for (MapReader reader : readers.values()) {
            Timer timer = Timer.builder(name("map.read"))
                    .tags("collection", reader.collection(), "map", reader.map())
                    .description("Time spent reading a BPF map and updating the metrics fed by it")
                    .register(registry);
            reader.timeReadsWith(timer);
        }
        for (EventCounters source : eventCounters.values()) {
            Tags tags = Tags.of("collection", source.collection(), "map", source.map());
            FunctionCounter.builder(name("events.read"), source, EventCounters::recordsRead)
                    .tags(tags)
                    .description("Records read from the ring buffer or perf event array")
                    .register(registry);
            FunctionCounter.builder(name("events.lost"), source, EventCounters::recordsLost)
                    .tags(tags)
                    .description("Records lost: perf samples dropped by the kernel as the buffer was full, or ring"
                            + " buffer records the program discarded")
                    .register(registry);
        }
        for (MapMetricFamily<?> family : families) {
            Tags tags = Tags.of("collection", family.collection(), "metric", family.metric());
            FunctionCounter.builder(name("decoder.errors"), family, MapMetricFamily::decoderErrors)
                    .tags(tags)
                    .description("Map keys whose labels could not be decoded (not published)")
                    .register(registry);
            Gauge.builder(name("series"), family, MapMetricFamily::seriesCount)
                    .tags(tags)
                    .description("Series published for the metric")
                    .strongReference(true)
                    .register(registry);
            Gauge.builder(name("series.dropped"), family, MapMetricFamily::droppedSeries)
                    .tags(tags)
                    .description("Map keys of the last read not published because the metric reached max-series")
                    .strongReference(true)
                    .register(registry);
        }
    }

    private void bindMapMeters(MeterRegistry registry, String collection) {
        ManagedCollection managed = collections.get(collection).orElseThrow();
        Set<String> dataSections = managed.spec().variables().values().stream().map(VariableSpec::mapName)
                .collect(Collectors.toSet());
        for (Map.Entry<String, MapSpec> entry : managed.spec().maps().entrySet()) {
            String map = entry.getKey();
            MapSpec spec = entry.getValue();
            if (dataSections.contains(map)) {
                continue; // .data/.rodata/.bss: global variables, not maps in the user's sense
            }
            Tags tags = Tags.of("collection", collection, "map", map);
            Gauge.builder(name("map.max.entries"), spec, MapSpec::maxEntries)
                    .tags(tags)
                    .description("Capacity of the BPF map")
                    .strongReference(true)
                    .register(registry);
            MapReader reader = readers.get(collection + "\0" + map);
            if (reader != null) {
                Gauge.builder(name("map.entries"), reader, this::entries)
                        .tags(tags)
                        .description("Entries of the BPF map at its last read")
                        .strongReference(true)
                        .register(registry);
            } else if (spec.type().isArrayLike() && DeclaredMetrics.READABLE.contains(spec.type())) {
                Gauge.builder(name("map.entries"), spec, MapSpec::maxEntries)
                        .tags(tags)
                        .description("Entries of the BPF map at its last read")
                        .strongReference(true)
                        .register(registry);
            }
        }
    }

    /**
     * Entries for the gauge, NaN while the map is unavailable. Reading it reads the map when refreshing on scrape:
     * every map then gets read on each scrape, also one whose keys all appeared after the last read and so have no
     * meters yet (their series are registered by this read and scraped from the next scrape on). The Prometheus
     * collector that follows in the same scrape uses this read instead of reading again.
     */
    private double entries(MapReader reader) {
        if (refreshOnRead) {
            reader.refreshForGauge();
        }
        int entries = reader.entries();
        return entries < 0 ? Double.NaN : entries;
    }

    private static double attached(EbpfCollections collections, String collection, String program) {
        return collections.get(collection)
                .flatMap(c -> c.programs().stream().filter(p -> p.name().equals(program)).findFirst())
                .map(p -> p.attached() ? 1.0 : 0.0)
                .orElse(0.0);
    }

    private void bindFamilies(MeterRegistry registry) {
        if (families.isEmpty()) {
            return;
        }
        EbpfMetricsProperties.Publishing mode = settings.getPublishing();
        NativeExport target = null;
        if (mode != EbpfMetricsProperties.Publishing.MICROMETER && PROMETHEUS_PRESENT) {
            target = PrometheusExport.find(registry, nativeFilters);
        }
        if (target == null && mode == EbpfMetricsProperties.Publishing.PROMETHEUS_NATIVE) {
            throw new IllegalStateException("ebpf.metrics.publishing is 'prometheus-native', but " + registry
                    + " is not (and does not contain) a PrometheusMeterRegistry");
        }
        for (MapMetricFamily<?> family : families) {
            if (target != null) {
                target.add(family);
            } else {
                family.bindTo(registry);
            }
        }
        if (target != null) {
            nativeExports.add(target);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Life cycle

    private void startRefreshing() {
        if (refreshOnRead || scheduler != null || readers.isEmpty()) {
            return;
        }
        long period = settings.getRefreshInterval().toNanos();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ebpf-metrics");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::refreshAll, period, period, TimeUnit.NANOSECONDS);
    }

    private void refreshAll() {
        for (MapReader reader : readers.values()) {
            try {
                reader.refresh();
            } catch (RuntimeException e) {
                logger.warn("Reading map '" + reader.map() + "' of collection '" + reader.collection() + "' failed",
                        e);
            }
        }
    }

    @Override
    public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
        this.eventPublisher = publisher;
    }

    private void enableProgramStatistics() {
        boolean anyLoaded = collections.all().stream().anyMatch(c -> c.collection() != null);
        if (!settings.isProgramStatistics() || programStatistics.isEmpty() || !anyLoaded) {
            return;
        }
        try {
            stats = BpfStats.enable();
        } catch (BpfException e) {
            logger.info("BPF program run statistics stay off (ebpf.program.run reads 0): " + e.getMessage());
        }
    }

    /** Where the metrics are published outside Micrometer's meters, for the {@code prometheus} endpoint. */
    synchronized List<NativeExport> nativeExports() {
        return List.copyOf(nativeExports);
    }

    /**
     * Reads every map now, regardless of {@code min-refresh}: for callers that need values as of this moment (an
     * export on demand, a test). Scrapes do not need it.
     */
    public void refresh() {
        readers.values().forEach(MapReader::refresh);
    }

    /** Stops reading, removes the native histograms, turns statistics off. Meters stay until the registry closes. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        nativeExports.forEach(NativeExport::close);
        nativeExports.clear();
        if (stats != null) {
            stats.close();
        }
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, EbpfMetrics.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
