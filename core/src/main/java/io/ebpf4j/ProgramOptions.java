package io.ebpf4j;

/**
 * How programs are loaded.
 *
 * @param logLevel verifier log level for the first attempt: 0 loads without a log and retries with one only if the
 *     program is rejected; 1 or 2 (verbose) always collect the log
 * @param logSize initial size of the log buffer in bytes; it grows (up to {@link #MAX_LOG_SIZE}) when the log does
 *     not fit
 * @param retryWithLog whether a rejected program is loaded again with a log to explain the rejection
 */
public record ProgramOptions(int logLevel, int logSize, boolean retryWithLog) {
    /** Largest log buffer ebpf4j allocates. */
    public static final int MAX_LOG_SIZE = 64 << 20;

    public ProgramOptions {
        if (logLevel < 0 || logLevel > 2) {
            throw new IllegalArgumentException("log level must be 0, 1 or 2, got " + logLevel);
        }
        if (logSize < 128 || logSize > MAX_LOG_SIZE) {
            throw new IllegalArgumentException("log size must be between 128 bytes and " + MAX_LOG_SIZE + ", got "
                    + logSize);
        }
    }

    public static ProgramOptions defaults() {
        return new ProgramOptions(0, 64 * 1024, true);
    }

    public ProgramOptions withLogLevel(int level) {
        return new ProgramOptions(level, logSize, retryWithLog);
    }

    public ProgramOptions withLogSize(int size) {
        return new ProgramOptions(logLevel, size, retryWithLog);
    }
}
