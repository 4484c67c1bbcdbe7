package io.ebpf4j.spring.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Map metrics published straight to a {@link PrometheusMeterRegistry}'s registry: one {@link MultiCollector} for
 * all of them instead of one Micrometer meter per series. A scrape then costs one data point per series (labels are
 * built once per series, in an order that keeps the registry's sort linear) and kernel histograms are real
 * histograms ({@code _bucket}, {@code _sum}, {@code _count}).
 *
 * <p>Names, tag keys and values follow the registry's naming convention, as for Micrometer meters, and the given
 * meter filters (normally the application's {@code MeterFilter} beans, among them the one applying
 * {@code management.metrics.tags} and {@code management.metrics.enable}) map and accept or deny every series.
 *
 * <p>Only loaded when the Prometheus registry is on the class path.
 */
final class PrometheusExport implements MultiCollector, NativeExport {
    private static final Log logger = LogFactory.getLog(PrometheusExport.class);
    private static final Labels DENIED = Labels.of("denied", "true");

    private final PrometheusMeterRegistry registry;
    private final List<MeterFilter> filters;
    private final List<Exported> exported = new CopyOnWriteArrayList<>();
    /** Names of families that could not be built, each logged once. */
    private final Set<String> failed = ConcurrentHashMap.newKeySet();

    private PrometheusExport(PrometheusMeterRegistry registry, List<MeterFilter> filters) {
        this.registry = registry;
        this.filters = List.copyOf(filters);
        registry.getPrometheusRegistry().register(this);
    }

    /**
     * An export to the Prometheus registry that {@code registry} is or contains (through a composite), or
     * {@code null} when there is none.
     */
    static NativeExport find(MeterRegistry registry, List<MeterFilter> filters) {
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            return new PrometheusExport(prometheus, filters);
        }
        if (registry instanceof CompositeMeterRegistry composite) {
            for (MeterRegistry member : composite.getRegistries()) {
                NativeExport found = find(member, filters);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    @Override
    public void add(MapMetricFamily<?> family) {
        if (family instanceof HistogramFamily histogram) {
            export(family, 0, new Meter.Id(histogram.definition.meterName(), Tags.empty(), histogram.baseUnit(),
                    histogram.description(), Meter.Type.DISTRIBUTION_SUMMARY));
            return;
        }
        ValueFamily values = (ValueFamily) family;
        ValueLayout.Field[] fields = values.definition.values().fields();
        Meter.Type type = values.kind() == ValueFamily.Kind.GAUGE ? Meter.Type.GAUGE : Meter.Type.COUNTER;
        for (int f = 0; f < fields.length; f++) {
            export(family, f, new Meter.Id(fields[f].meterName(), Tags.empty(), fields[f].baseUnit(),
                    fields[f].description(), type));
        }
    }

    private void export(MapMetricFamily<?> family, int field, Meter.Id base) {
        Meter.Id filtered = filter(base);
        if (filtered != null) {
            String name = registry.config().namingConvention().name(filtered.getName(), filtered.getType(),
                    filtered.getBaseUnit());
            MetricMetadata metadata = new MetricMetadata(name,
                    filtered.getDescription() != null ? filtered.getDescription() : " ", null);
            exported.add(new Exported(family, field, base, metadata));
        }
    }

    /** The id after the meter filters, or {@code null} when they deny it. */
    private Meter.Id filter(Meter.Id unfiltered) {
        Meter.Id id = unfiltered;
        for (MeterFilter filter : filters) {
            id = filter.map(id);
        }
        for (MeterFilter filter : filters) {
            MeterFilterReply reply = filter.accept(id);
            if (reply == MeterFilterReply.DENY) {
                return null;
            }
            if (reply == MeterFilterReply.ACCEPT) {
                break;
            }
        }
        return id;
    }

    @Override
    public void close() {
        registry.getPrometheusRegistry().unregister(this);
        exported.clear();
    }

    @Override
    public List<String> getPrometheusNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Exported e : exported) {
            names.add(e.metadata.getPrometheusName());
        }
        return new ArrayList<>(names);
    }

    @Override
    public List<String> histogramNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Exported e : exported) {
            if (e.family instanceof HistogramFamily) {
                names.add(e.metadata.getPrometheusName());
            }
        }
        return new ArrayList<>(names);
    }

    /**
     * One snapshot per Prometheus name. Metrics of different collections may share a name (EbpfMetrics checked at
     * start-up that they agree on type and label names, and their 'collection' label keeps their series apart):
     * their data points form one family, as Prometheus clients merge them. A family that cannot be built is left
     * out of this scrape and logged, instead of failing the whole scrape and every other metric with it.
     */
    @Override
    public MetricSnapshots collect() {
        // one read per map and scrape: metrics (and struct members) sharing a map share its reader, which is their
        // lock, and with min-refresh 0 each refreshForRead would read the map again
        Set<Object> read = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<String, List<Exported>> byName = new LinkedHashMap<>();
        for (Exported e : exported) {
            if (read.add(e.family.lock)) {
                e.family.refreshForCollector();
            }
            byName.computeIfAbsent(e.metadata.getPrometheusName(), name -> new ArrayList<>(1)).add(e);
        }
        List<MetricSnapshot> snapshots = new ArrayList<>(byName.size());
        for (List<Exported> same : byName.values()) {
            try {
                snapshots.add(snapshot(same));
            } catch (RuntimeException ex) {
                String name = same.get(0).metadata.getPrometheusName();
                if (failed.add(name)) {
                    logger.warn("Metric '" + name + "' is left out of Prometheus scrapes while it cannot be built",
                            ex);
                }
            }
        }
        return new MetricSnapshots(snapshots);
    }

    private static MetricSnapshot snapshot(List<Exported> same) {
        Exported first = same.get(0);
        int expected = 0;
        for (Exported e : same) {
            expected += e.family.seriesCount(); // sized once: growing a list of 10,000 points copies it 15 times
        }
        List<DataPointSnapshot> points = new ArrayList<>(expected);
        for (Exported e : same) {
            synchronized (e.family.lock) {
                e.addPoints(points);
            }
        }
        return first.snapshot(points);
    }

    /** One published metric: a family, and for struct values which member. */
    private final class Exported {
        final MapMetricFamily<?> family;
        final int field;
        /** The meter id before filters, without tags. */
        final Meter.Id base;
        final MetricMetadata metadata;
        final double[] bounds;
        /**
         * Label names by tag key, one String each: the registry compares the labels of every two neighbouring series
         * on each scrape, and equal names that are the same String compare at once.
         */
        final Map<String, String> labelNames = new HashMap<>();
        /** Series with their labels, sorted by labels; rebuilt when the family's series change. */
        MapMetricFamily.Series[] sorted = new MapMetricFamily.Series[0];
        Labels[] labels = new Labels[0];
        long version = -1;

        Exported(MapMetricFamily<?> family, int field, Meter.Id base, MetricMetadata metadata) {
            this.family = family;
            this.field = field;
            this.base = base;
            this.metadata = metadata;
            this.bounds = family instanceof HistogramFamily h ? histogramBounds(h) : null;
        }

        /** Adds this metric's data points, in label order; call holding the family's lock. */
        void addPoints(List<DataPointSnapshot> points) {
            if (version != family.version()) {
                sort();
            }
            if (family instanceof HistogramFamily histogram) {
                for (int i = 0; i < sorted.length; i++) {
                    HistogramFamily.HistogramSeries s = (HistogramFamily.HistogramSeries) sorted[i];
                    points.add(new HistogramSnapshot.HistogramDataPointSnapshot(
                            ClassicHistogramBuckets.of(bounds, s.counts), histogram.sum(s), labels[i],
                            Exemplars.EMPTY, 0L));
                }
            } else if (((ValueFamily) family).kind() != ValueFamily.Kind.GAUGE) {
                for (int i = 0; i < sorted.length; i++) {
                    // 'internal': the labels were checked when built, values are never negative
                    points.add(new CounterSnapshot.CounterDataPointSnapshot(
                            ((ValueFamily.ValueSeries) sorted[i]).published(field), labels[i], null, 0L, 0L, true));
                }
            } else {
                for (int i = 0; i < sorted.length; i++) {
                    points.add(new GaugeSnapshot.GaugeDataPointSnapshot(
                            ((ValueFamily.ValueSeries) sorted[i]).published(field), labels[i], null));
                }
            }
        }

        /** A snapshot of this metric's type and metadata over {@code points} (its own, or merged ones). */
        @SuppressWarnings("unchecked")
        MetricSnapshot snapshot(List<? extends DataPointSnapshot> points) {
            if (family instanceof HistogramFamily) {
                return new HistogramSnapshot(metadata,
                        (List<HistogramSnapshot.HistogramDataPointSnapshot>) points);
            }
            if (((ValueFamily) family).kind() != ValueFamily.Kind.GAUGE) {
                return new CounterSnapshot(metadata, (List<CounterSnapshot.CounterDataPointSnapshot>) points);
            }
            return new GaugeSnapshot(metadata, (List<GaugeSnapshot.GaugeDataPointSnapshot>) points);
        }

        private void sort() {
            List<MapMetricFamily.Series> kept = new ArrayList<>();
            List<Labels> keptLabels = new ArrayList<>();
            for (MapMetricFamily.Series s : family.series()) {
                Labels l = labels(s);
                if (l != DENIED) {
                    kept.add(s);
                    keptLabels.add(l);
                }
            }
            Integer[] order = new Integer[kept.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparing(keptLabels::get));
            sorted = new MapMetricFamily.Series[order.length];
            labels = new Labels[order.length];
            for (int i = 0; i < order.length; i++) {
                sorted[i] = kept.get(order[i]);
                // copied in scrape order: each scrape compares neighbouring labels, and labels that lie in memory
                // in the order they are compared are read ahead by the processor instead of missing its caches
                labels[i] = relocate(keptLabels.get(order[i]));
                ((Labels[]) sorted[i].exported)[field] = labels[i];
            }
            version = family.version();
        }

        private static Labels relocate(Labels labels) {
            String[] names = new String[labels.size()];
            String[] values = new String[labels.size()];
            for (int i = 0; i < names.length; i++) {
                names[i] = labels.getName(i);
                values[i] = labels.getValue(i);
            }
            return Labels.of(names, values);
        }

        /** The series' labels for this metric, computed once per series (and member). */
        private Labels labels(MapMetricFamily.Series s) {
            if (s.exported == null) {
                s.exported = new Labels[Math.max(1, family.definition.values().fields().length)];
            }
            Labels[] cache = (Labels[]) s.exported;
            if (cache[field] == null) {
                Meter.Id seriesId = filter(base.replaceTags(s.tags));
                cache[field] = seriesId == null ? DENIED : toLabels(seriesId);
            }
            return cache[field];
        }

        private Labels toLabels(Meter.Id seriesId) {
            NamingConvention convention = registry.config().namingConvention();
            List<String> names = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (Tag tag : seriesId.getTagsAsIterable()) {
                names.add(labelNames.computeIfAbsent(tag.getKey(), convention::tagKey));
                values.add(convention.tagValue(tag.getValue()));
            }
            return Labels.of(names, values);
        }
    }

    private static double[] histogramBounds(HistogramFamily histogram) {
        double[] finite = histogram.buckets().upperBounds();
        double[] bounds = Arrays.copyOf(finite, finite.length + 1);
        bounds[finite.length] = Double.POSITIVE_INFINITY;
        return bounds;
    }

    @Override
    public String toString() {
        return "PrometheusExport[" + exported.size() + " metrics]";
    }
}
