package io.ebpf4j.spring.metrics;

import io.ebpf4j.BpfMap;
import io.ebpf4j.MapSpec;
import io.ebpf4j.btf.Composite;
import io.ebpf4j.btf.Enumeration;
import io.ebpf4j.btf.Int;
import io.ebpf4j.btf.Member;
import io.ebpf4j.btf.Type;
import io.ebpf4j.btf.Types;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the numbers a metric publishes sit in a map value: the whole value (an integer of 1, 2, 4 or 8 bytes) or
 * members of a struct value, one meter each ({@code values[].field}); for per-CPU maps, in each CPU's slot.
 */
final class ValueLayout {
    /** One published number: a whole-byte integer member (or the whole value). */
    record Field(String field, int offset, int size, boolean signed, String meterName, String description,
            String baseUnit) {

        /** The value at {@code position} in a native-order buffer, as a u64/s64 bit pattern. */
        long read(ByteBuffer buffer, int position) {
            int at = position + offset;
            switch (size) {
                case 8:
                    return buffer.getLong(at);
                case 4:
                    return signed ? buffer.getInt(at) : buffer.getInt(at) & 0xffffffffL;
                case 2:
                    return signed ? buffer.getShort(at) : buffer.getShort(at) & 0xffffL;
                default:
                    return signed ? buffer.get(at) : buffer.get(at) & 0xffL;
            }
        }

        /** A read value as a double; u64 values above 2^53 lose precision. */
        double toDouble(long value) {
            return signed ? value : NativeInts.unsignedToDouble(value);
        }
    }

    private final Field[] fields;
    private final int cpus;
    private final int cpuStride;

    private ValueLayout(Field[] fields, int cpus, int cpuStride) {
        this.fields = fields;
        this.cpus = cpus;
        this.cpuStride = cpuStride;
    }

    /**
     * Compiles the values of a metric.
     *
     * @param meterName the metric's meter name, to which a member's name is appended by default
     * @param maxFields how many values the metric may publish (histograms: 1)
     */
    static ValueLayout compile(EbpfMetricsProperties.MapMetric metric, String meterName, String prefix, MapSpec map,
            int maxFields) {
        Type valueType = map.valueType();
        List<Field> fields = new ArrayList<>();
        if (metric.getValues().isEmpty()) {
            int size = map.valueSize();
            boolean signed = false;
            if (valueType != null) {
                Type underlying = Types.underlying(valueType);
                if (underlying instanceof Composite) {
                    throw new IllegalArgumentException("the value is " + Types.describe(valueType)
                            + "; choose its members with values[].field: " + ((Composite) underlying).members()
                            .stream().map(Member::name).toList());
                }
                if (!(underlying instanceof Int || underlying instanceof Enumeration)) {
                    throw new IllegalArgumentException("the value is " + Types.describe(valueType)
                            + ", not an integer");
                }
                signed = underlying instanceof Int i ? i.isSigned() : ((Enumeration) underlying).isSigned();
            }
            if (!NativeInts.isIntegerSize(size)) {
                throw new IllegalArgumentException("the value has " + size + " bytes; a value without values[].field"
                        + " must be an integer of 1, 2, 4 or 8 bytes");
            }
            fields.add(new Field(null, 0, size, signed, meterName, metric.getDescription(), metric.getBaseUnit()));
        } else {
            if (valueType == null) {
                throw new IllegalArgumentException("values[].field needs the map's BTF value type, but the map has"
                        + " none (declare it with __type(value, ...))");
            }
            for (EbpfMetricsProperties.Value value : metric.getValues()) {
                if (value.getField() == null) {
                    throw new IllegalArgumentException("a values[] entry without 'field'");
                }
                KeyLayout.Member member = KeyLayout.member(valueType, value.getField(), "value");
                if (!member.integer()) {
                    throw new IllegalArgumentException("value member '" + value.getField() + "' is not an integer of"
                            + " 1, 2, 4 or 8 bytes");
                }
                fields.add(new Field(value.getField(), member.offset(), member.size(), member.signed(),
                        value.getName() != null ? EbpfMetrics.prefixed(prefix, value.getName())
                                : meterName + "." + value.getField(),
                        value.getDescription() != null ? value.getDescription() : metric.getDescription(),
                        value.getBaseUnit() != null ? value.getBaseUnit() : metric.getBaseUnit()));
            }
        }
        if (fields.size() > maxFields) {
            throw new IllegalArgumentException("at most " + maxFields + " value(s) can be published by this metric");
        }
        boolean perCpu = map.type().isPerCpu();
        return new ValueLayout(fields.toArray(Field[]::new), perCpu ? BpfMap.possibleCpus() : 1,
                perCpu ? (map.valueSize() + 7) & ~7 : 0);
    }

    /** The one number of an event counter: records counted, one per record (no value is read). */
    static ValueLayout recordCount(String meterName, String description) {
        return new ValueLayout(new Field[] {new Field(null, 0, 8, false, meterName, description, null)}, 1, 0);
    }

    Field[] fields() {
        return fields;
    }

    /** 1, or the number of possible CPUs for per-CPU maps. */
    int cpus() {
        return cpus;
    }

    /** Offset of CPU {@code cpu}'s slot in a value. */
    int cpuOffset(int cpu) {
        return cpu * cpuStride;
    }
}
