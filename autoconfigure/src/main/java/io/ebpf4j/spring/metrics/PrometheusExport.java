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

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Map metrics published straight to a {@link PrometheusMeterRegistry}'s registry: one {@link MultiCollector} for
 * all of them instead of one Micrometer meter per series. A scrape then costs one data point per series (labels are
 * built once per series, in an order that keeps the registry's sort linear) and kernel histograms are real
 * histograms ({@code _bucket}, {@code _sum}, {@code _count}).
 *
 * <p>The {@code prometheus} endpoint's text formats skip the data points: {@link #writeText} writes the families
 * from the series themselves, each series' labels encoded once, byte for byte as the client's writers would write
 * the data points {@link #collect} makes, except for the {@code le} labels, which it spells as Go's client does
 * ({@link GoFloats}).
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
    /** The metrics by Prometheus name, in name order: metrics of several collections may share a name. */
    private volatile List<Named> byName = List.of();
    /** Set on a thread while the endpoint's text writer lets the registry write everything but these families. */
    private final ThreadLocal<Boolean> writtenSeparately = new ThreadLocal<>();
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
            // grouped when metrics are added (at binding), not on each scrape
            Map<String, List<Exported>> grouped = new TreeMap<>();
            for (Exported e : exported) {
                grouped.computeIfAbsent(e.metadata.getPrometheusName(), n -> new ArrayList<>(1)).add(e);
            }
            byName = grouped.values().stream().map(Named::new).toList();
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

    /**
     * One snapshot per Prometheus name. Metrics of different collections may share a name (EbpfMetrics checked at
     * start-up that they agree on type and label names, and their 'collection' label keeps their series apart):
     * their data points form one family, as Prometheus clients merge them. A family that cannot be built is left
     * out of this scrape and logged, instead of failing the whole scrape and every other metric with it.
     */
    @Override
    public MetricSnapshots collect() {
        if (writtenSeparately.get() != null) {
            return new MetricSnapshots();
        }
        List<Named> names = byName;
        refresh(names);
        List<MetricSnapshot> snapshots = new ArrayList<>(names.size());
        for (Named named : names) {
            try {
                snapshots.add(snapshot(named.members));
            } catch (RuntimeException ex) {
                leftOut(named.name, ex);
            }
        }
        return new MetricSnapshots(snapshots);
    }

    /**
     * Runs {@code scrape} on this thread with these metrics left out of the registry's scrapes, for a caller that
     * writes them itself with {@link #writeText}: the registry offers no other way to leave one collector out.
     */
    <T> T leftOutOfRegistryScrapes(Supplier<T> scrape) {
        writtenSeparately.set(Boolean.TRUE);
        try {
            return scrape.get();
        } finally {
            writtenSeparately.remove();
        }
    }

    /**
     * Writes the metrics whose Prometheus name {@code included} accepts in the Prometheus text format (0.0.4) or
     * OpenMetrics 1.0 (without its {@code # EOF}), reading their maps first as {@link #collect} does. A family that
     * cannot be written is left out, as by {@link #collect}.
     */
    void writeText(ExpositionBuffer out, boolean openMetrics, Predicate<String> included) {
        List<Named> names = byName;
        if (included != null) {
            names = names.stream().filter(n -> included.test(n.name)).toList();
        }
        refresh(names);
        for (Named named : names) {
            int start = out.size();
            try {
                named.write(out, openMetrics);
            } catch (RuntimeException ex) {
                out.truncate(start);
                leftOut(named.name, ex);
            }
        }
    }

    /**
     * One read per map and scrape: metrics (and struct members) sharing a map share its reader, which is their
     * lock, and with min-refresh 0 each refreshForRead would read the map again.
     */
    private static void refresh(List<Named> names) {
        Set<Object> read = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Named named : names) {
            for (Exported e : named.members) {
                if (read.add(e.family.lock)) {
                    e.family.refreshForCollector();
                }
            }
        }
    }

    private void leftOut(String name, RuntimeException ex) {
        if (failed.add(name)) {
            logger.warn("Metric '" + name + "' is left out of Prometheus scrapes while it cannot be built", ex);
        }
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
        /**
         * The same labels as the text formats write them, without the closing brace ({@code {a="x",b="y"}), back to
         * back in sorted order: series {@code i} ends at {@code labelTextEnds[i]}.
         */
        byte[] labelText = new byte[0];
        int[] labelTextEnds = new int[0];
        /** The sorted position of each live series ({@link MapMetricFamily.Series#index}), -1 when denied. */
        int[] sortedPositions = new int[0];
        /** Counters and gauges: the values of the scrape being written, by sorted position. */
        double[] values = new double[0];
        long version = -1;

        Exported(MapMetricFamily<?> family, int field, Meter.Id base, MetricMetadata metadata) {
            this.family = family;
            this.field = field;
            this.base = base;
            this.metadata = metadata;
            this.bounds = family instanceof HistogramFamily h ? histogramBounds(h) : null;
        }

        /** Brings the sorted series up to date with the family's; call holding the family's lock. */
        void prepare() {
            if (version != family.version()) {
                sort();
            }
        }

        /**
         * Copies the counters' or gauges' values into {@link #values}, walking the series in the order they were
         * created, which is the order they lie in memory: in label order each series would be a cache miss of its
         * own. Call holding the family's lock, after {@link #prepare}.
         */
        void gatherValues() {
            List<? extends MapMetricFamily.Series> live = family.series();
            for (int i = 0; i < live.size(); i++) {
                int position = sortedPositions[i];
                if (position >= 0) {
                    values[position] = ((ValueFamily.ValueSeries) live.get(i)).published(field);
                }
            }
        }

        int labelTextStart(int index) {
            return index == 0 ? 0 : labelTextEnds[index - 1];
        }

        /** Adds this metric's data points, in label order; call holding the family's lock. */
        void addPoints(List<DataPointSnapshot> points) {
            prepare();
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
            labelTextEnds = new int[order.length];
            sortedPositions = new int[family.series().size()];
            Arrays.fill(sortedPositions, -1);
            values = new double[order.length];
            ByteArrayOutputStream text = new ByteArrayOutputStream(order.length * 48);
            for (int i = 0; i < order.length; i++) {
                sorted[i] = kept.get(order[i]);
                // copied in scrape order: each scrape compares neighbouring labels, and labels that lie in memory
                // in the order they are compared are read ahead by the processor instead of missing its caches
                labels[i] = relocate(keptLabels.get(order[i]));
                if (i > 0 && labels[i].equals(labels[i - 1])) {
                    // as the client refuses such data points: the family is left out, not served with a duplicate
                    throw new IllegalStateException("two series with labels " + labels[i]
                            + " (meter filters made them equal)");
                }
                ((Labels[]) sorted[i].exported)[field] = labels[i];
                sortedPositions[sorted[i].index] = i;
                text.writeBytes(labelText(labels[i]));
                labelTextEnds[i] = text.size();
            }
            labelText = text.toByteArray();
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

    /**
     * The metrics of one Prometheus name, one family in a scrape, and what the text formats write of it apart from
     * the numbers, encoded once.
     */
    private static final class Named {
        final String name;
        final List<Exported> members;
        final boolean histogram;
        final byte[] textMetadata;
        final byte[] openMetricsMetadata;
        /** Counters: {@code name_total}; gauges: the name; histograms: {@code name_bucket}. */
        final byte[] sampleName;
        final byte[] countName;
        final byte[] sumName;
        /** Histograms: {@code le="<bound>"} } per bucket, +Inf last. */
        final byte[][] textBounds;
        final byte[][] openMetricsBounds;

        Named(List<Exported> members) {
            this.members = List.copyOf(members);
            Exported first = members.get(0);
            this.name = first.metadata.getPrometheusName();
            this.histogram = first.family instanceof HistogramFamily;
            boolean counter = !histogram && ((ValueFamily) first.family).kind() != ValueFamily.Kind.GAUGE;
            String type = histogram ? "histogram" : counter ? "counter" : "gauge";
            String help = first.metadata.getHelp();
            // the 0.0.4 writer names a counter's metadata after its samples, OpenMetrics after the family
            String textName = counter ? name + "_total" : name;
            boolean hasHelp = help != null && !help.isEmpty();
            this.textMetadata = utf8((hasHelp ? "# HELP " + textName + " " + escapeHelp(help, false) + "\n" : "")
                    + "# TYPE " + textName + " " + type + "\n");
            this.openMetricsMetadata = utf8("# TYPE " + name + " " + type + "\n"
                    + (hasHelp ? "# HELP " + name + " " + escapeHelp(help, true) + "\n" : ""));
            this.sampleName = utf8(histogram ? name + "_bucket" : textName);
            this.countName = utf8(name + "_count");
            this.sumName = utf8(name + "_sum");
            double[] bounds = histogram ? first.bounds : new double[0];
            this.textBounds = new byte[bounds.length][];
            this.openMetricsBounds = new byte[bounds.length][];
            for (int i = 0; i < bounds.length; i++) {
                textBounds[i] = utf8("le=\"" + GoFloats.format(bounds[i]) + "\"} ");
                openMetricsBounds[i] = utf8("le=\"" + GoFloats.formatOpenMetrics(bounds[i]) + "\"} ");
            }
        }

        /** Writes the family: its members' series merged in label order, as the client sorts data points. */
        void write(ExpositionBuffer out, boolean openMetrics) {
            writeLocked(out, openMetrics, 0);
        }

        /** Takes the members' locks one after the other, always in the same order, then writes. */
        private void writeLocked(ExpositionBuffer out, boolean openMetrics, int locked) {
            if (locked < members.size()) {
                synchronized (members.get(locked).family.lock) {
                    writeLocked(out, openMetrics, locked + 1);
                }
                return;
            }
            int total = 0;
            for (Exported e : members) {
                e.prepare();
                if (!histogram) {
                    e.gatherValues();
                }
                total += e.sorted.length;
            }
            if (total == 0) {
                return; // the client writes nothing, not even metadata, for a family without data points
            }
            out.write(openMetrics ? openMetricsMetadata : textMetadata);
            int[] next = new int[members.size()];
            for (int written = 0; written < total; written++) {
                int pick = -1;
                for (int m = 0; m < next.length; m++) {
                    Exported e = members.get(m);
                    if (next[m] == e.sorted.length) {
                        continue;
                    }
                    if (pick >= 0) {
                        int order = e.labels[next[m]].compareTo(members.get(pick).labels[next[pick]]);
                        if (order == 0) {
                            throw new IllegalStateException("two series with labels " + e.labels[next[m]]);
                        }
                        if (order > 0) {
                            continue;
                        }
                    }
                    pick = m;
                }
                writeSeries(out, members.get(pick), next[pick]++, openMetrics);
            }
        }

        private void writeSeries(ExpositionBuffer out, Exported e, int index, boolean openMetrics) {
            int from = e.labelTextStart(index);
            int to = e.labelTextEnds[index];
            if (!histogram) {
                out.write(sampleName);
                closeLabels(out, e.labelText, from, to);
                out.writeDouble(e.values[index]).write('\n');
                return;
            }
            HistogramFamily.HistogramSeries s = (HistogramFamily.HistogramSeries) e.sorted[index];
            byte[][] bounds = openMetrics ? openMetricsBounds : textBounds;
            for (int b = 0; b < bounds.length; b++) {
                out.write(sampleName);
                if (to > from) {
                    out.write(e.labelText, from, to).write(',');
                } else {
                    out.write('{');
                }
                out.write(bounds[b]).writeLong(s.cumulative[b]).write('\n');
            }
            out.write(countName);
            closeLabels(out, e.labelText, from, to);
            out.writeLong(s.count()).write('\n');
            double sum = ((HistogramFamily) e.family).sum(s);
            if (!Double.isNaN(sum)) {
                out.write(sumName);
                closeLabels(out, e.labelText, from, to);
                out.writeDouble(sum).write('\n');
            }
        }

        private static void closeLabels(ExpositionBuffer out, byte[] labelText, int from, int to) {
            if (to > from) {
                out.write(labelText, from, to).write('}');
            }
            out.write(' ');
        }
    }

    /** {@code {a="x",b="y"} without the closing brace, values escaped; empty without labels. */
    private static byte[] labelText(Labels labels) {
        if (labels.isEmpty()) {
            return new byte[0];
        }
        StringBuilder text = new StringBuilder(64).append('{');
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                text.append(',');
            }
            text.append(labels.getPrometheusName(i)).append("=\"");
            String value = labels.getValue(i);
            for (int c = 0; c < value.length(); c++) {
                char ch = value.charAt(c);
                switch (ch) {
                    case '\\' -> text.append("\\\\");
                    case '"' -> text.append("\\\"");
                    case '\n' -> text.append("\\n");
                    default -> text.append(ch);
                }
            }
            text.append('"');
        }
        return utf8(text.toString());
    }

    /** HELP text: backslashes and line feeds escaped, and in OpenMetrics double quotes too. */
    private static String escapeHelp(String help, boolean openMetrics) {
        StringBuilder text = new StringBuilder(help.length());
        for (int c = 0; c < help.length(); c++) {
            char ch = help.charAt(c);
            switch (ch) {
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '"' -> text.append(openMetrics ? "\\\"" : "\"");
                default -> text.append(ch);
            }
        }
        return text.toString();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
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
