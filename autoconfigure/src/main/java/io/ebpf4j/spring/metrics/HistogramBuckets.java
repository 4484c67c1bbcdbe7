package io.ebpf4j.spring.metrics;


import java.util.Arrays;
import java.util.List;

/**
 * The bucket boundaries of a kernel histogram and where each bucket index of the map key goes, following
 * ebpf_exporter's bucket types:
 *
 * <ul>
 *   <li>{@code exp2}: index i in [min, max] counts values up to 2^i (upper bound 2^i &times; multiplier);
 *   <li>{@code exp2zero}: index 0 counts zeros (bound 0), index i &gt; 0 values up to 2^(i-1);
 *   <li>{@code linear}: index i counts values up to i (bound i &times; multiplier);
 *   <li>{@code fixed}: the listed bucket keys are the indexes (bound key &times; multiplier).
 * </ul>
 *
 * With a sum key, index max + 1 (for {@code fixed}: the last key + 1) holds the sum of observed values rather than a
 * count. Indexes below the first bucket count in the first bucket (their values are below its bound too), indexes
 * above the last bucket in {@code +Inf} (ebpf_exporter drops both); a {@code fixed} index between two keys counts in
 * the next larger key's bucket.
 */
final class HistogramBuckets {
    /** The slot of the sum key. */
    static final int SUM = -1;

    private final EbpfMetricsProperties.BucketType type;
    private final long min;
    private final long max;
    private final long[] keys;
    private final long sumIndex;
    /** Finite upper bounds in base units, increasing; the +Inf bucket follows them. */
    private final double[] upperBounds;
    private final double multiplier;

    private HistogramBuckets(EbpfMetricsProperties.BucketType type, long min, long max, long[] keys, long sumIndex,
            double[] upperBounds, double multiplier) {
        this.type = type;
        this.min = min;
        this.max = max;
        this.keys = keys;
        this.sumIndex = sumIndex;
        this.upperBounds = upperBounds;
        this.multiplier = multiplier;
    }

    static HistogramBuckets of(EbpfMetricsProperties.Histogram config) {
        EbpfMetricsProperties.BucketType type = config.getBucketType();
        double multiplier = config.getBucketMultiplier();
        if (!(multiplier > 0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("bucket-multiplier must be positive, not " + multiplier);
        }
        if (type == EbpfMetricsProperties.BucketType.FIXED) {
            List<Double> configured = config.getBucketKeys();
            if (configured.isEmpty()) {
                throw new IllegalArgumentException("bucket-type fixed needs bucket-keys");
            }
            long[] keys = new long[configured.size()];
            double[] bounds = new double[keys.length];
            for (int i = 0; i < keys.length; i++) {
                double k = configured.get(i);
                if (k < 0 || k != Math.rint(k) || k > (double) Long.MAX_VALUE) {
                    throw new IllegalArgumentException("bucket-keys are map key values: whole numbers >= 0, not " + k);
                }
                keys[i] = (long) k;
                if (i > 0 && keys[i] <= keys[i - 1]) {
                    throw new IllegalArgumentException("bucket-keys must increase: " + configured);
                }
                bounds[i] = keys[i] * multiplier;
            }
            long sumIndex = config.isSumKey() ? keys[keys.length - 1] + 1 : Long.MIN_VALUE;
            return new HistogramBuckets(type, keys[0], keys[keys.length - 1], keys, sumIndex, bounds, multiplier);
        }
        int min = config.getBucketMin();
        int max = config.getBucketMax();
        if (min < 0 || max < min) {
            throw new IllegalArgumentException("bucket-min and bucket-max must satisfy 0 <= min <= max, got [" + min
                    + ", " + max + "]");
        }
        if (type != EbpfMetricsProperties.BucketType.LINEAR && max > 1023) {
            throw new IllegalArgumentException("bucket-max " + max + " is beyond the range of a double (2^1023)");
        }
        double[] bounds = new double[max - min + 1];
        for (int i = min; i <= max; i++) {
            bounds[i - min] = switch (type) {
                case EXP2 -> Math.scalb(1.0, i) * multiplier;
                case EXP2ZERO -> i == 0 ? 0.0 : Math.scalb(1.0, i - 1) * multiplier;
                default -> i * multiplier;
            };
        }
        return new HistogramBuckets(type, min, max, null, config.isSumKey() ? (long) max + 1 : Long.MIN_VALUE, bounds,
                multiplier);
    }

    /** Number of buckets including +Inf. */
    int size() {
        return upperBounds.length + 1;
    }

    /** Finite upper bounds, in base units. */
    double[] upperBounds() {
        return upperBounds;
    }

    boolean hasSum() {
        return sumIndex != Long.MIN_VALUE;
    }

    double multiplier() {
        return multiplier;
    }

    /** The slot (0 .. size()-1, the last being +Inf) of a bucket index from the map, or {@link #SUM}. */
    int slotOf(long index) {
        if (index == sumIndex) {
            return SUM;
        }
        if (keys != null) {
            for (int i = 0; i < keys.length; i++) {
                if (Long.compareUnsigned(index, keys[i]) <= 0) {
                    return i;
                }
            }
            return keys.length;
        }
        if (Long.compareUnsigned(index, min) < 0) {
            return 0;
        }
        if (Long.compareUnsigned(index, max) > 0) {
            return upperBounds.length;
        }
        return (int) (index - min);
    }

    @Override
    public String toString() {
        return type + " " + Arrays.toString(upperBounds) + (hasSum() ? " + sum" : "");
    }
}
