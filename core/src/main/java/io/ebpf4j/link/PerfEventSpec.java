package io.ebpf4j.link;

/**
 * A perf counter to run a {@code PERF_EVENT} program on ({@link Links#perfEvent}): the program runs each time the
 * counter takes a sample, either every {@code samplePeriod} events or {@code sampleFrequency} times a second.
 *
 * @param type {@code perf_event_attr.type}, e.g. {@link #SOFTWARE} or {@link #HARDWARE}
 * @param config the event of that type, e.g. {@link #SW_CPU_CLOCK} or {@link #HW_CPU_CYCLES}
 * @param samplePeriod sample every this many events (0 when sampling by frequency)
 * @param sampleFrequency samples per second (0 when sampling by period)
 */
public record PerfEventSpec(int type, long config, long samplePeriod, long sampleFrequency) {
    public static final int HARDWARE = 0;
    public static final int SOFTWARE = 1;
    public static final int HW_CACHE = 3;
    public static final int RAW = 4;

    public static final long HW_CPU_CYCLES = 0;
    public static final long HW_INSTRUCTIONS = 1;
    public static final long HW_CACHE_REFERENCES = 2;
    public static final long HW_CACHE_MISSES = 3;
    public static final long HW_BRANCH_INSTRUCTIONS = 4;
    public static final long HW_BRANCH_MISSES = 5;

    public static final long SW_CPU_CLOCK = 0;
    public static final long SW_TASK_CLOCK = 1;
    public static final long SW_PAGE_FAULTS = 2;
    public static final long SW_CONTEXT_SWITCHES = 3;
    public static final long SW_CPU_MIGRATIONS = 4;

    public PerfEventSpec {
        if (type < 0) {
            throw new IllegalArgumentException("negative perf event type " + type);
        }
        if ((samplePeriod > 0) == (sampleFrequency > 0) || samplePeriod < 0 || sampleFrequency < 0) {
            throw new IllegalArgumentException("give either a sample period or a sample frequency (both positive),"
                    + " not period " + samplePeriod + " and frequency " + sampleFrequency);
        }
    }

    /** A software event (e.g. {@link #SW_CPU_CLOCK}) sampled {@code hertz} times a second. */
    public static PerfEventSpec software(long config, long hertz) {
        return new PerfEventSpec(SOFTWARE, config, 0, hertz);
    }

    /** A hardware event (e.g. {@link #HW_CPU_CYCLES}) sampled every {@code period} events. */
    public static PerfEventSpec hardware(long config, long period) {
        return new PerfEventSpec(HARDWARE, config, period, 0);
    }

    String describe() {
        String kind = type == HARDWARE ? "hardware" : type == SOFTWARE ? "software" : "type " + type;
        return kind + " event " + config + (samplePeriod > 0 ? " every " + samplePeriod + " events"
                : " at " + sampleFrequency + " Hz");
    }
}
