package io.ebpf4j.link;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** BTF type ids of the running kernel, from {@code bpftool btf dump} (until the BTF package can answer). */
final class VmlinuxBtf {
    private static List<String> dump;

    private VmlinuxBtf() {}

    /** The id of the type of {@code kind} (e.g. FUNC, TYPEDEF) called {@code name}. */
    static int id(String kind, String name) {
        Pattern line = Pattern.compile("^\\[(\\d+)\\] " + kind + " '" + Pattern.quote(name) + "'.*");
        for (String entry : lines()) {
            Matcher m = line.matcher(entry);
            if (m.matches()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new IllegalStateException("vmlinux BTF has no " + kind + " " + name);
    }

    private static synchronized List<String> lines() {
        if (dump == null) {
            try {
                Process p = new ProcessBuilder("bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux")
                        .redirectErrorStream(true).start();
                String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                Assumptions.assumeTrue(p.waitFor() == 0, "needs bpftool to read vmlinux BTF: " + text);
                dump = text.lines().filter(l -> l.startsWith("[")).toList();
            } catch (IOException e) {
                Assumptions.abort("needs bpftool to read vmlinux BTF ids: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return dump;
    }
}
