package io.ebpf4j.spring.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.nio.ByteBuffer;

/**
 * A histogram whose buckets a BPF program filled: the key holds labels plus a bucket index, the value a count.
 * Keys that differ only in the bucket feed one series; per-CPU counts are added up or kept per CPU.
 *
 * <p>Published either natively to Prometheus ({@link PrometheusHistograms}: {@code _bucket}, {@code _sum},
 * {@code _count}) or, for any registry, portably as counters: {@code <name>.buckets} per upper bound (tag
 * {@code le}, cumulative, including {@code +Inf}; not {@code .bucket}, a suffix Prometheus reserves),
 * {@code <name>.count} and, with a sum key, {@code <name>.sum}.
 */
final class HistogramFamily extends MapMetricFamily<HistogramFamily.HistogramSeries> {
    static final class HistogramSeries extends MapMetricFamily.Series {
        final long[] accumulated;
        long accumulatedSum;
        /** Per-bucket (not cumulative) counts of the last read, +Inf last. */
        final long[] counts;
        /** Cumulative counts of the last read, +Inf (the total) last. */
        final long[] cumulative;
        long sum;

        HistogramSeries(Tags tags, int buckets) {
            super(tags);
            accumulated = new long[buckets];
            counts = new long[buckets];
            cumulative = new long[buckets];
        }

        long count() {
            return cumulative[cumulative.length - 1];
        }
    }

    private final HistogramBuckets buckets;
    private final ValueLayout.Field count;
    private final int cpus;
    private final String description;
    private final String baseUnit;
    private final String[] bucketTags;

    HistogramFamily(Definition definition, HistogramBuckets buckets, String description, String baseUnit,
            MapReader reader, boolean refreshOnRead) {
        super(definition, reader, refreshOnRead);
        this.buckets = buckets;
        this.count = definition.values().fields()[0];
        this.cpus = definition.values().cpus();
        this.description = description;
        this.baseUnit = baseUnit;
        double[] bounds = buckets.upperBounds();
        this.bucketTags = new String[bounds.length + 1];
        for (int i = 0; i < bounds.length; i++) {
            bucketTags[i] = GoFloats.format(bounds[i]); // as ebpf_exporter (and the native export) spells them
        }
        bucketTags[bounds.length] = "+Inf";
    }

    HistogramBuckets buckets() {
        return buckets;
    }

    String description() {
        return description;
    }

    String baseUnit() {
        return baseUnit;
    }

    @Override
    int slotOf(byte[] key) {
        return buckets.slotOf(definition.keys().bucket(key));
    }

    @Override
    HistogramSeries newSeries(Tags tags) {
        return new HistogramSeries(tags, buckets.size());
    }

    @Override
    void accumulate(Binding binding, ByteBuffer values, int valueOffset) {
        ValueLayout layout = definition.values();
        Series[] targets = binding.targets;
        for (Series s : targets) {
            touch(s);
        }
        for (int cpu = 0; cpu < cpus; cpu++) {
            long v = count.read(values, valueOffset + layout.cpuOffset(cpu));
            HistogramSeries s = (HistogramSeries) targets[targets.length > 1 ? cpu : 0];
            if (binding.slot == HistogramBuckets.SUM) {
                s.accumulatedSum += v;
            } else {
                s.accumulated[binding.slot] += v;
            }
        }
    }

    @Override
    void publish(HistogramSeries series) {
        long running = 0;
        for (int i = 0; i < series.accumulated.length; i++) {
            series.counts[i] = series.accumulated[i];
            running += series.accumulated[i];
            series.cumulative[i] = running;
            series.accumulated[i] = 0;
        }
        series.sum = series.accumulatedSum;
        series.accumulatedSum = 0;
    }

    /** The sum of observed values in base units (u64 sum key times the multiplier), or NaN without a sum key. */
    double sum(HistogramSeries series) {
        return buckets.hasSum() ? NativeInts.unsignedToDouble(series.sum) * buckets.multiplier() : Double.NaN;
    }

    @Override
    void register(HistogramSeries series, MeterRegistry registry) {
        String name = definition.meterName();
        for (int i = 0; i < bucketTags.length; i++) {
            int slot = i;
            series.meters.add(FunctionCounter.builder(name + ".buckets", series, s -> cumulative(s, slot))
                    .tags(series.tags.and("le", bucketTags[i]))
                    .description(description)
                    .register(registry));
        }
        series.meters.add(FunctionCounter.builder(name + ".count", series, s -> cumulative(s, bucketTags.length - 1))
                .tags(series.tags)
                .description(description)
                .register(registry));
        if (buckets.hasSum()) {
            series.meters.add(FunctionCounter.builder(name + ".sum", series, this::readSum)
                    .tags(series.tags)
                    .description(description)
                    .baseUnit(baseUnit)
                    .register(registry));
        }
    }

    private double cumulative(HistogramSeries series, int slot) {
        refreshForRead();
        return NativeInts.unsignedToDouble(series.cumulative[slot]);
    }

    private double readSum(HistogramSeries series) {
        refreshForRead();
        return sum(series);
    }
}
