package io.ebpf4j.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** System calls this JVM makes on purpose, so that the samples have something known to count. */
final class SystemCalls {
    private SystemCalls() {}

    /** {@code count} openat calls that fail with ENOENT. */
    static void failingOpens(int count) {
        for (int i = 0; i < count; i++) {
            try {
                Files.readAllBytes(Path.of("/nonexistent/ebpf4j-e2e-" + i));
                throw new AssertionError("/nonexistent/ebpf4j-e2e-" + i + " exists");
            } catch (NoSuchFileException expected) {
                // one openat that failed with ENOENT
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }
}
