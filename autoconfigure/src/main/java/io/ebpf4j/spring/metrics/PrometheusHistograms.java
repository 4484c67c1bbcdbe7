package io.ebpf4j.spring.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Kernel histograms as real Prometheus histograms ({@code _bucket}, {@code _sum}, {@code _count}): a
 * {@link MultiCollector} on the {@link PrometheusMeterRegistry}'s registry. Names and label names follow the
 * registry's naming convention, so they match what Micrometer would produce; {@code management.metrics.tags} are
 * added (Micrometer's meter filters do not see these histograms).
 *
 * <p>Only loaded when the Prometheus registry is on the class path.
 */
final class PrometheusHistograms implements MultiCollector, NativeHistograms {
    private record Exported(HistogramFamily family, MetricMetadata metadata, double[] upperBounds) {}

    private final PrometheusMeterRegistry registry;
    private final Tags commonTags;
    private final List<Exported> exported = new CopyOnWriteArrayList<>();

    private PrometheusHistograms(PrometheusMeterRegistry registry, Tags commonTags) {
        this.registry = registry;
        this.commonTags = commonTags;
        registry.getPrometheusRegistry().register(this);
    }

    /**
     * A collector on the Prometheus registry that {@code registry} is or contains (through a composite), or
     * {@code null} when there is none.
     */
    static NativeHistograms find(MeterRegistry registry, Tags commonTags) {
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            return new PrometheusHistograms(prometheus, commonTags);
        }
        if (registry instanceof CompositeMeterRegistry composite) {
            for (MeterRegistry member : composite.getRegistries()) {
                NativeHistograms found = find(member, commonTags);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    @Override
    public void add(HistogramFamily family) {
        NamingConvention convention = registry.config().namingConvention();
        String name = convention.name(family.definition.meterName(), Meter.Type.DISTRIBUTION_SUMMARY,
                family.baseUnit());
        String help = family.description() != null ? family.description() : " ";
        double[] finite = family.buckets().upperBounds();
        double[] bounds = java.util.Arrays.copyOf(finite, finite.length + 1);
        bounds[finite.length] = Double.POSITIVE_INFINITY;
        exported.add(new Exported(family, new MetricMetadata(name, help, null), bounds));
    }

    @Override
    public void close() {
        registry.getPrometheusRegistry().unregister(this);
        exported.clear();
    }

    @Override
    public List<String> getPrometheusNames() {
        List<String> names = new ArrayList<>(exported.size());
        for (Exported e : exported) {
            names.add(e.metadata.getPrometheusName());
        }
        return names;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> snapshots = new ArrayList<>(exported.size());
        for (Exported e : exported) {
            HistogramFamily family = e.family;
            family.refreshForRead();
            List<HistogramSnapshot.HistogramDataPointSnapshot> points;
            synchronized (family.reader) {
                Collection<HistogramFamily.HistogramSeries> series = family.series();
                points = new ArrayList<>(series.size());
                for (HistogramFamily.HistogramSeries s : series) {
                    points.add(new HistogramSnapshot.HistogramDataPointSnapshot(
                            ClassicHistogramBuckets.of(e.upperBounds, s.counts), family.sum(s), labels(s),
                            Exemplars.EMPTY, 0L));
                }
            }
            snapshots.add(new HistogramSnapshot(e.metadata, points));
        }
        return new MetricSnapshots(snapshots);
    }

    private Labels labels(HistogramFamily.HistogramSeries series) {
        if (series.exportedLabels instanceof Labels cached) {
            return cached;
        }
        NamingConvention convention = registry.config().namingConvention();
        Tags tags = commonTags.and(series.tags);
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (Tag tag : tags) {
            names.add(convention.tagKey(tag.getKey()));
            values.add(convention.tagValue(tag.getValue()));
        }
        Labels labels = Labels.of(names, values);
        series.exportedLabels = labels;
        return labels;
    }
}
