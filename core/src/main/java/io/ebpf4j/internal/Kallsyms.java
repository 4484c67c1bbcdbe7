package io.ebpf4j.internal;

import io.ebpf4j.BpfException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/** Kernel symbol addresses from {@code /proc/kallsyms} (addresses read as 0 without CAP_SYSLOG). */
public final class Kallsyms {
    private Kallsyms() {}

    /**
     * Addresses of {@code names}, read in one pass over kallsyms. Symbols that are absent are missing from the
     * result; an all-zero answer means the process may not see kernel addresses (kptr_restrict / CAP_SYSLOG).
     */
    public static Map<String, Long> addresses(Set<String> names) {
        Map<String, Long> found = new HashMap<>();
        if (names.isEmpty()) {
            return found;
        }
        try (BufferedReader in = Files.newBufferedReader(Path.of("/proc/kallsyms"))) {
            String line;
            while ((line = in.readLine()) != null && found.size() < names.size()) {
                // "<address> <type> <name>[\t[module]]"
                int first = line.indexOf(' ');
                int second = line.indexOf(' ', first + 1);
                if (first < 0 || second < 0) {
                    continue;
                }
                int end = line.indexOf('\t', second + 1);
                String name = end < 0 ? line.substring(second + 1) : line.substring(second + 1, end);
                if (names.contains(name) && !found.containsKey(name)) {
                    found.put(name, Long.parseUnsignedLong(line.substring(0, first), 16));
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new BpfException("cannot read /proc/kallsyms: " + e.getMessage(), e);
        }
        return found;
    }

    public static OptionalLong address(String name) {
        Long address = addresses(Set.of(name)).get(name);
        return address == null ? OptionalLong.empty() : OptionalLong.of(address);
    }
}
