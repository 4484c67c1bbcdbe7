package io.ebpf4j.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A child process of the test JVM whose output goes to a log file. {@link #close()} stops it, and a shutdown hook
 * does if the test JVM exits first.
 */
final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final Thread shutdownHook;

    private ChildProcess(Process process, Path log, String name) {
        this.process = process;
        this.log = log;
        this.shutdownHook = new Thread(process::destroyForcibly, "stop " + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts {@code builder} with stdout and stderr going to {@code log}. */
    static ChildProcess start(String name, ProcessBuilder builder, Path log) throws IOException {
        return new ChildProcess(builder.redirectErrorStream(true).redirectOutput(log.toFile()).start(), log, name);
    }

    Process process() {
        return process;
    }

    /** Everything the process printed so far. */
    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Stops the process: politely, then forcibly after 30 s. */
    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }
}
