package io.ebpf4j.perf;

/**
 * How a {@link PerfReader} sets up its per-CPU rings.
 *
 * @param perCpuBufferSize bytes of ring per CPU; rounded up to a power-of-two number of pages (the kernel's rule)
 * @param wakeupWatermark wake a waiting reader only once this many bytes are waiting in a ring; 0 wakes it for every
 *     record. A higher watermark saves wakeups under load; records below it are still read when a wait times out
 *     or by {@link PerfReader#drain}
 * @param overwritable whether the rings keep the newest records, overwriting the oldest, instead of dropping new
 *     ones when full. Such rings are read while {@linkplain PerfReader#pause() paused}, newest record first
 */
public record PerfReaderOptions(int perCpuBufferSize, int wakeupWatermark, boolean overwritable) {
    /** 256 KiB per CPU. */
    public static final int DEFAULT_PER_CPU_BUFFER_SIZE = 256 << 10;

    public PerfReaderOptions {
        if (perCpuBufferSize <= 0) {
            throw new IllegalArgumentException("perCpuBufferSize must be positive, got " + perCpuBufferSize);
        }
        if (perCpuBufferSize > 1 << 30) {
            throw new IllegalArgumentException("perCpuBufferSize must be at most 1 GiB, got " + perCpuBufferSize);
        }
        if (wakeupWatermark < 0) {
            throw new IllegalArgumentException("wakeupWatermark must not be negative, got " + wakeupWatermark);
        }
        if (wakeupWatermark >= perCpuBufferSize) {
            throw new IllegalArgumentException("wakeupWatermark (" + wakeupWatermark + ") must be smaller than "
                    + "perCpuBufferSize (" + perCpuBufferSize + "), or the reader would never be woken");
        }
    }

    /** {@value #DEFAULT_PER_CPU_BUFFER_SIZE} bytes per CPU, woken for every record, not overwritable. */
    public static PerfReaderOptions defaults() {
        return new PerfReaderOptions(DEFAULT_PER_CPU_BUFFER_SIZE, 0, false);
    }

    public PerfReaderOptions withPerCpuBufferSize(int bytes) {
        return new PerfReaderOptions(bytes, wakeupWatermark, overwritable);
    }

    public PerfReaderOptions withWakeupWatermark(int bytes) {
        return new PerfReaderOptions(perCpuBufferSize, bytes, overwritable);
    }

    public PerfReaderOptions withOverwritable(boolean overwritable) {
        return new PerfReaderOptions(perCpuBufferSize, wakeupWatermark, overwritable);
    }
}
