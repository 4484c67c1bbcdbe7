package io.ebpf4j.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A process's effective capabilities, as /proc/PID/status lists them (CapEff). */
record Capabilities(long effective) {
    /** Bit numbers of the capabilities these tests talk about (linux/capability.h). */
    static final Map<String, Integer> BITS = Map.of("CAP_NET_ADMIN", 12, "CAP_SYS_ADMIN", 21,
            "CAP_SYS_RESOURCE", 24, "CAP_PERFMON", 38, "CAP_BPF", 39);

    static Capabilities fromProcStatus(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                return new Capabilities(Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16));
            }
        }
        throw new AssertionError("no CapEff line in " + status);
    }

    boolean has(String capability) {
        Integer bit = BITS.get(capability);
        if (bit == null) {
            throw new IllegalArgumentException(capability);
        }
        return (effective & (1L << bit)) != 0;
    }

    /** The capabilities of {@link #BITS} that are effective. */
    List<String> named() {
        List<String> names = new ArrayList<>();
        BITS.keySet().stream().sorted().filter(this::has).forEach(names::add);
        return names;
    }

    @Override
    public String toString() {
        return String.format("CapEff=%016x %s", effective, named());
    }
}
