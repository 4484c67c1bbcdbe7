package io.ebpf4j.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** The samples' repackaged (executable) jars, as {@code ./mvnw verify} leaves them in samples/NAME/target. */
final class Samples {
    private Samples() {}

    static Path jar(String sample) {
        Path samples = Path.of(System.getProperty("ebpf4j.samples.dir", "../samples"));
        String version = System.getProperty("ebpf4j.version", "0.1.0-SNAPSHOT");
        Path jar = samples.resolve(sample).resolve("target").resolve("ebpf4j-sample-" + sample + "-" + version + ".jar")
                .toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("The sample jar " + jar + " does not exist. The reactor packages it before this "
                    + "module's tests: run `./mvnw -B verify`, or `./mvnw -B -pl e2e -am verify`.");
        }
        return jar;
    }

    /** This JVM's process id as the kernel sees it (the samples' target_pid constants compare with it). */
    static String thisProcess() {
        return Long.toString(ProcessHandle.current().pid());
    }
}
