package io.ebpf4j.btf;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expected values from {@code bpftool btf dump file X}, an independent BTF parser: the tests compare ebpf4j's
 * parse with it instead of with values ebpf4j produced itself.
 */
final class BpftoolDump {
    static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    /** A type line: {@code [id] KIND 'name' key=value...}, with its indented entry lines. */
    record Entry(int id, String kind, String name, Map<String, String> attributes, List<Line> lines) {
        String attribute(String key) {
            String value = attributes.get(key);
            if (value == null) {
                throw new AssertionError("bpftool printed no " + key + " for [" + id + "] " + kind + " " + name);
            }
            return value;
        }

        int intAttribute(String key) {
            return (int) Long.parseLong(attribute(key));
        }

        Line line(String name) {
            return lines.stream().filter(l -> l.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no entry '" + name + "' in [" + id + "] " + this.name));
        }
    }

    /** An indented line: {@code 'name' key=value...}. */
    record Line(String name, Map<String, String> attributes) {
        long longAttribute(String key) {
            String value = attributes.get(key);
            if (value == null) {
                throw new AssertionError("bpftool printed no " + key + " for '" + name + "'");
            }
            return Long.parseLong(value);
        }
    }

    private static final Pattern TYPE = Pattern.compile("^\\[(\\d+)\\] (\\w+) '([^']*)'(.*)$");
    private static final Pattern LINE = Pattern.compile("^\\t(?:'([^']*)')?(.*)$");
    private static final Pattern ATTRIBUTE = Pattern.compile("(\\w+)=(\\(none\\)|[^\\s,]+)");
    private static final Map<Path, BpftoolDump> CACHE = new ConcurrentHashMap<>();

    private final Map<Integer, Entry> byId;
    private final int maxId;

    private BpftoolDump(Map<Integer, Entry> byId, int maxId) {
        this.byId = byId;
        this.maxId = maxId;
    }

    /** The dump of {@code btfFile} (raw BTF or an ELF object with .BTF); skips the test without bpftool. */
    static BpftoolDump of(Path btfFile) {
        return CACHE.computeIfAbsent(btfFile, BpftoolDump::run);
    }

    /** The dump of the running kernel's vmlinux BTF; skips the test without it or without bpftool. */
    static BpftoolDump vmlinux() {
        assumeTrue(Files.isReadable(VMLINUX), "no /sys/kernel/btf/vmlinux: kernel built without BTF");
        return of(VMLINUX);
    }

    private static BpftoolDump run(Path file) {
        String output;
        try {
            Process p = new ProcessBuilder("bpftool", "btf", "dump", "file", file.toString())
                    .redirectErrorStream(true).start();
            try (InputStream in = p.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "bpftool failed: " + output);
        } catch (IOException e) {
            assumeTrue(false, "bpftool is not installed: " + e);
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        Map<Integer, Entry> byId = new HashMap<>();
        Entry current = null;
        int maxId = 0;
        for (String line : output.split("\n")) {
            Matcher t = TYPE.matcher(line);
            if (t.matches()) {
                int id = Integer.parseInt(t.group(1));
                current = new Entry(id, t.group(2), t.group(3).equals("(anon)") ? "" : t.group(3),
                        attributes(t.group(4)), new ArrayList<>());
                byId.put(id, current);
                maxId = Math.max(maxId, id);
                continue;
            }
            Matcher l = LINE.matcher(line);
            if (l.matches() && current != null) {
                String name = l.group(1) == null ? "" : l.group(1).equals("(anon)") ? "" : l.group(1);
                current.lines().add(new Line(name, attributes(l.group(2))));
            }
        }
        return new BpftoolDump(byId, maxId);
    }

    private static Map<String, String> attributes(String text) {
        Map<String, String> attributes = new HashMap<>();
        Matcher m = ATTRIBUTE.matcher(text);
        while (m.find()) {
            attributes.put(m.group(1), m.group(2));
        }
        return attributes;
    }

    Entry byId(int id) {
        Entry e = byId.get(id);
        if (e == null) {
            throw new AssertionError("bpftool printed no type " + id);
        }
        return e;
    }

    /** The single type of this kind (bpftool spelling, e.g. STRUCT) and name. */
    Entry find(String kind, String name) {
        List<Entry> found = byId.values().stream().filter(e -> e.kind().equals(kind) && e.name().equals(name)).toList();
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " types " + kind + " '" + name + "' in the bpftool dump");
        }
        return found.get(0);
    }

    int maxId() {
        return maxId;
    }

    List<Entry> entries() {
        return List.copyOf(byId.values());
    }
}
