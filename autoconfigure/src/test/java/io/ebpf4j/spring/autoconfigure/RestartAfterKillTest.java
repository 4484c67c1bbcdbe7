package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.BpfMap;
import io.ebpf4j.testing.RequiresKernel;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No data loss across a crash: an application counting this test's openat calls into a map pinned by name is
 * killed with SIGKILL and started again; the count continues from where it was. Calls made while no process had
 * the program attached are, by nature, not counted — and the test checks that too.
 */
@RequiresKernel
class RestartAfterKillTest {
    private static final Duration STARTUP = Duration.ofSeconds(60);

    @Test
    void countsSurviveSigkillAndRestart() throws Exception {
        Path pins = Path.of("/sys/fs/bpf", "ebpf4j-kill-test-" + ProcessHandle.current().pid());
        try {
            Process first = start(pins);
            openMissingFiles(100);
            long beforeKill = count(pins);
            assertThat(beforeKill).isGreaterThanOrEqualTo(100);

            first.destroyForcibly(); // SIGKILL: no shutdown hook, no close
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            openMissingFiles(50); // nothing is attached: these are not counted

            Process second = start(pins);
            long afterRestart = count(pins);
            openMissingFiles(100);
            long afterMore = count(pins);
            second.getOutputStream().close(); // orderly stop
            assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();

            System.out.printf("[reliability] kill -9 restart: %d counted before SIGKILL, %d right after restart,"
                    + " %d after 100 more calls (50 calls made while nothing was attached)%n", beforeKill,
                    afterRestart, afterMore);
            assertThat(afterRestart).as("the pinned count survived the kill").isGreaterThanOrEqualTo(beforeKill)
                    .as("calls while nothing was attached were not counted").isLessThan(beforeKill + 50);
            assertThat(afterMore - afterRestart).isGreaterThanOrEqualTo(100);
        } finally {
            if (Files.exists(pins)) {
                try (Stream<Path> files = Files.walk(pins)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    private static Process start(Path pins) throws Exception {
        List<String> command = List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                KillableApplication.class.getName(),
                "--ebpf.collections.pinned.object=classpath:bpf/pinned_counter.bpf.o",
                "--ebpf.collections.pinned.constants.target_pid=" + ProcessHandle.current().pid(),
                "--ebpf.collections.pinned.pin-path=" + pins);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream()));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            StringBuilder seen = new StringBuilder();
            try {
                String line;
                while ((line = output.readLine()) != null) {
                    seen.append(line).append('\n');
                    if (line.startsWith("READY ")) {
                        return line;
                    }
                }
            } catch (IOException e) {
                seen.append(e);
            }
            return seen.toString();
        });
        String line = ready.get(STARTUP.toSeconds(), TimeUnit.SECONDS);
        assertThat(line).as("the application started").isEqualTo("READY pinned ATTACHED");
        return process;
    }

    private static void openMissingFiles(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            try {
                Files.readAllBytes(Path.of("/nonexistent/ebpf4j-" + i));
            } catch (NoSuchFileException expected) {
                // one openat each
            }
        }
    }

    private static long count(Path pins) {
        try (BpfMap map = BpfMap.loadPinned(pins.resolve("total_opens").toString())) {
            return ByteBuffer.wrap(map.lookup(new byte[4]).orElseThrow()).order(ByteOrder.nativeOrder()).getLong();
        }
    }
}
