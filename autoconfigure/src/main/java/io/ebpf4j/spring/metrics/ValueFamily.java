package io.ebpf4j.spring.metrics;


import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.nio.ByteBuffer;

/**
 * Counters or gauges from a map: one meter per key (tag set) and value member. Per-CPU values are added up, the
 * largest taken, or published per CPU ({@code per-cpu}); keys that decode to the same tags add up.
 *
 * <p>Values are u64 (or narrower, signed where BTF says so) and are published as doubles: exact up to 2^53, rounded
 * beyond (a counter of nanoseconds passes 2^53 after 104 days).
 */
final class ValueFamily extends MapMetricFamily<ValueFamily.ValueSeries> {
    /**
     * Counters of map values, gauges of map values, or counters of event records (each record adds one; the count
     * accumulates across reads instead of being replaced by each read).
     */
    enum Kind { COUNTER, GAUGE, RECORDS }

    /**
     * The numbers of one tag set. The first member's are fields of the series itself, the others' in arrays: a read
     * of the common one-number metric touches one object per key.
     */
    static final class ValueSeries extends MapMetricFamily.Series {
        long accumulated;
        double published;
        final long[] moreAccumulated;
        final double[] morePublished;

        ValueSeries(Tags tags, int fields) {
            super(tags);
            moreAccumulated = fields > 1 ? new long[fields - 1] : null;
            morePublished = fields > 1 ? new double[fields - 1] : null;
        }

        /** The value of member {@code field} at the last read. */
        double published(int field) {
            return field == 0 ? published : morePublished[field - 1];
        }

        void add(int field, long value) {
            if (field == 0) {
                accumulated += value;
            } else {
                moreAccumulated[field - 1] += value;
            }
        }

        /** Takes the accumulated value of {@code field}, leaving 0. */
        long take(int field) {
            long value;
            if (field == 0) {
                value = accumulated;
                accumulated = 0;
            } else {
                value = moreAccumulated[field - 1];
                moreAccumulated[field - 1] = 0;
            }
            return value;
        }

        void publish(int field, double value) {
            if (field == 0) {
                published = value;
            } else {
                morePublished[field - 1] = value;
            }
        }
    }

    private final Kind kind;
    private final ValueLayout.Field[] fields;
    private final int cpus;
    private final boolean max;

    ValueFamily(Kind kind, Definition definition, MapReader reader, boolean refreshOnRead) {
        super(definition, reader, refreshOnRead);
        this.kind = kind;
        this.fields = definition.values().fields();
        this.cpus = definition.values().cpus();
        this.max = definition.perCpu() == EbpfMetricsProperties.PerCpu.MAX;
    }

    /** Counters of the records of an event source, whose callers hold {@code lock}. */
    ValueFamily(Definition definition, Object lock) {
        super(definition, lock);
        this.kind = Kind.RECORDS;
        this.fields = definition.values().fields();
        this.cpus = 1;
        this.max = false;
    }

    Kind kind() {
        return kind;
    }

    @Override
    ValueSeries newSeries(Tags tags) {
        return new ValueSeries(tags, fields.length);
    }

    /** One number per key: the common case. */
    @Override
    boolean direct() {
        return fields.length == 1 && cpus == 1;
    }

    @Override
    long directValue(ByteBuffer values, int valueOffset) {
        return fields[0].read(values, valueOffset);
    }

    @Override
    void accumulate(Binding binding, ByteBuffer values, int valueOffset) {
        if (direct()) {
            sums[binding.first.index] += directValue(values, valueOffset);
            touch(binding.first);
            return;
        }
        ValueLayout layout = definition.values();
        Series[] targets = binding.targets;
        for (Series s : targets) {
            touch(s);
        }
        for (int f = 0; f < fields.length; f++) {
            ValueLayout.Field field = fields[f];
            if (targets.length > 1) {
                for (int cpu = 0; cpu < cpus; cpu++) {
                    ((ValueSeries) targets[cpu]).add(f, field.read(values, valueOffset + layout.cpuOffset(cpu)));
                }
                continue;
            }
            long combined = field.read(values, valueOffset);
            for (int cpu = 1; cpu < cpus; cpu++) {
                long v = field.read(values, valueOffset + layout.cpuOffset(cpu));
                if (!max) {
                    combined += v;
                } else if (field.signed() ? v > combined : Long.compareUnsigned(v, combined) > 0) {
                    combined = v;
                }
            }
            ((ValueSeries) targets[0]).add(f, combined);
        }
    }

    @Override
    void publish(ValueSeries series) {
        for (int f = 0; f < fields.length; f++) {
            double read = fields[f].toDouble(direct() ? sums[series.index] : series.take(f));
            series.publish(f, kind == Kind.RECORDS ? series.published(f) + read : read);
        }
    }

    @Override
    void register(ValueSeries series, MeterRegistry registry) {
        for (int f = 0; f < fields.length; f++) {
            ValueLayout.Field field = fields[f];
            int index = f;
            if (kind != Kind.GAUGE) {
                series.meters.add(FunctionCounter.builder(field.meterName(), series, s -> value(s, index))
                        .tags(series.tags)
                        .description(field.description())
                        .baseUnit(field.baseUnit())
                        .register(registry));
            } else {
                series.meters.add(Gauge.builder(field.meterName(), series, s -> value(s, index))
                        .tags(series.tags)
                        .description(field.description())
                        .baseUnit(field.baseUnit())
                        .strongReference(true)
                        .register(registry));
            }
        }
    }

    private double value(ValueSeries series, int field) {
        refreshForRead();
        return series.published(field);
    }
}
