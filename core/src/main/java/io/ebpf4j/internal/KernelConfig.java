package io.ebpf4j.internal;

import io.ebpf4j.BpfException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The running kernel's build configuration ({@code CONFIG_*}), from {@code /proc/config.gz} or
 * {@code /boot/config-<release>}, for BPF programs' {@code extern ... __kconfig} variables.
 */
public final class KernelConfig {
    private static volatile Map<String, String> cached;

    private KernelConfig() {}

    /** {@code CONFIG_X} → its raw value ({@code y}, {@code m}, a number or a quoted string); empty if unavailable. */
    public static Optional<Map<String, String>> current() {
        Map<String, String> config = cached;
        if (config == null) {
            Path gz = Path.of("/proc/config.gz");
            Path boot = Path.of("/boot/config-" + KernelVersion.current().release());
            try {
                if (Files.isReadable(gz)) {
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                        config = parse(in);
                    }
                } else if (Files.isReadable(boot)) {
                    try (InputStream in = Files.newInputStream(boot)) {
                        config = parse(in);
                    }
                } else {
                    return Optional.empty();
                }
            } catch (IOException e) {
                throw new BpfException("cannot read the kernel configuration: " + e.getMessage(), e);
            }
            cached = config;
        }
        return Optional.of(config);
    }

    static Map<String, String> parse(InputStream in) throws IOException {
        Map<String, String> values = new HashMap<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith("CONFIG_")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        return values;
    }
}
