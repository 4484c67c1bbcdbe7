package io.ebpf4j.link;

import io.ebpf4j.testing.NativeBinaries;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running {@code probe_target}: started paused (it waits for {@link #go()}), so that the test can attach probes
 * with its pid or move it into a cgroup first.
 */
final class TargetProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader output;

    private TargetProcess(Process process) throws IOException {
        this.process = process;
        this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String ready = output.readLine();
        if (!"ready".equals(ready)) {
            throw new IllegalStateException("probe_target did not start: " + ready + " " + errors());
        }
    }

    /** Starts {@code probe_target <command> <count>}, or {@code prefix... probe_target ...}. */
    static TargetProcess start(String command, long count, String... prefix) {
        List<String> arguments = new ArrayList<>(List.of(prefix));
        arguments.add(NativeBinaries.probeTarget().toString());
        arguments.add(command);
        arguments.add(Long.toString(count));
        try {
            return new TargetProcess(new ProcessBuilder(arguments).start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + arguments, e);
        }
    }

    int pid() {
        return (int) process.pid();
    }

    /** Lets the process run its command and waits for it: returns the result it prints. */
    long go() {
        try {
            OutputStream input = process.getOutputStream();
            input.write('\n');
            input.flush();
            String done = output.readLine();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0 || done == null
                    || !done.startsWith("done ")) {
                throw new IllegalStateException("probe_target failed: " + done + " " + errors());
            }
            return Long.parseLong(done.substring(5).trim());
        } catch (IOException e) {
            throw new IllegalStateException("probe_target failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String errors() throws IOException {
        if (process.isAlive()) {
            return "(still running)";
        }
        return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code command count} times to completion, without attaching anything first. */
    static long run(String command, long count) {
        try (TargetProcess target = start(command, count)) {
            return target.go();
        }
    }
}
