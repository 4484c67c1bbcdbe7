package io.ebpf4j.link;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfPermissionException;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.internal.Mounts;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.NativeBuffer;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Perf events for tracepoints, kprobes and uprobes. Probes use the kernel's {@code kprobe}/{@code uprobe} perf
 * PMUs (4.17+) and fall back to tracefs {@code kprobe_events}/{@code uprobe_events} without them.
 */
final class Probes {
    private static final Path EVENT_SOURCES = Path.of("/sys/bus/event_source/devices");

    private Probes() {}

    /** An opened probe: its perf event, and the tracefs probe behind it when one had to be created. */
    record ProbeEvent(Fd event, TracefsEvent tracefsEvent) {}

    /** The id of tracepoint {@code group/name}, from {@code <tracefs>/events/<group>/<name>/id}. */
    static long tracepointId(String group, String name) {
        requireName("tracepoint group", group);
        requireName("tracepoint name", name);
        Path tracefs = Mounts.tracefs();
        Path idFile = tracefs.resolve("events").resolve(group).resolve(name).resolve("id");
        try {
            return Long.parseLong(Files.readString(idFile).trim());
        } catch (NoSuchFileException e) {
            throw new BpfException("unknown tracepoint " + group + "/" + name + ": " + idFile + " does not exist"
                    + " (the available tracepoints are listed in " + tracefs.resolve("available_events")
                    + " as group:name)", Errno.ENOENT);
        } catch (AccessDeniedException e) {
            throw new BpfPermissionException("cannot read the id of tracepoint " + group + "/" + name
                    + " from " + idFile + ": tracefs is readable by root only; run as root or grant"
                    + " CAP_DAC_READ_SEARCH (besides CAP_BPF and CAP_PERFMON)", "CAP_DAC_READ_SEARCH", Errno.EACCES);
        } catch (IOException | NumberFormatException e) {
            throw new BpfException("cannot read the id of tracepoint " + group + "/" + name + " from " + idFile + ": "
                    + e.getMessage(), e);
        }
    }

    /** Opens a perf event on tracepoint {@code group/name} for every process. */
    static Fd tracepoint(String group, String name) {
        long id = tracepointId(group, name);
        return PerfEvents.open(PerfEvents.Event.of(PerfEvents.TYPE_TRACEPOINT, id), -1, 0,
                "tracepoint " + group + "/" + name);
    }

    /** Opens a kprobe (or kretprobe) on kernel function {@code symbol} plus {@code offset}. */
    static ProbeEvent kprobe(String symbol, long offset, boolean retprobe) {
        String hook = retprobe ? "kretprobe" : "kprobe";
        String what = hook + " " + symbol + (offset != 0 ? "+" + offset : "");
        OptionalInt pmu = pmuType("kprobe");
        if (pmu.isPresent()) {
            NativeBuffer name = new NativeBuffer(0);
            long nameAddress = name.putCString(symbol);
            long config = retprobe ? 1L << retprobeBit("kprobe") : 0;
            try {
                return new ProbeEvent(PerfEvents.open(new PerfEvents.Event(pmu.getAsInt(), config, nameAddress,
                        offset, 0, false, name), -1, 0, what), null);
            } catch (BpfException e) {
                if (e.errno() == Errno.ENOENT) {
                    throw new BpfException(what + ": the kernel has no function " + symbol + " to probe (see"
                            + " /proc/kallsyms; syscall handlers are named like " + Links.syscallSymbol("openat")
                            + ", see Links.syscallSymbol)", e.errno(), e);
                }
                throw e;
            }
        }
        Path control = tracefsControlFile("kprobe_events").orElseThrow(() -> new NotSupportedException(hook, what
                + ": this kernel has no kprobe support: no kprobe PMU (" + EVENT_SOURCES.resolve("kprobe")
                + ") and no kprobe_events in tracefs (" + tracefsLocation() + ")"));
        return kprobeThroughTracefs(control, symbol, offset, retprobe, what);
    }

    /** The tracefs fallback of {@link #kprobe}: a probe written to {@code control} ({@code kprobe_events}). */
    static ProbeEvent kprobeThroughTracefs(Path control, String symbol, long offset, boolean retprobe, String what) {
        return open(TracefsEvent.create(control, retprobe, symbol + "+" + offset, what), -1, what);
    }

    /**
     * Opens a uprobe (or uretprobe) at {@code offset} in the file {@code path}, for process {@code pid} (or every
     * process when {@code pid} is 0 or less). {@code refCounterOffset}, when not 0, is the file offset of a USDT
     * semaphore the kernel increments while the probe exists.
     */
    static ProbeEvent uprobe(String path, long offset, long refCounterOffset, boolean retprobe, int pid,
            String what) {
        OptionalInt pmu = pmuType("uprobe");
        if (pmu.isPresent()) {
            long config = retprobe ? 1L << retprobeBit("uprobe") : 0;
            if (refCounterOffset != 0) {
                config |= refCounterOffset << refCounterShift(what);
            }
            NativeBuffer file = new NativeBuffer(0);
            long fileAddress = file.putCString(path);
            return new ProbeEvent(PerfEvents.open(new PerfEvents.Event(pmu.getAsInt(), config, fileAddress, offset,
                    0, false, file), pid > 0 ? pid : -1, pid > 0 ? -1 : 0, what), null);
        }
        Path control = tracefsControlFile("uprobe_events").orElseThrow(() -> new NotSupportedException(
                retprobe ? "uretprobe" : "uprobe", what + ": this kernel has no uprobe support: no uprobe PMU ("
                        + EVENT_SOURCES.resolve("uprobe") + ") and no uprobe_events in tracefs ("
                        + tracefsLocation() + ")"));
        return uprobeThroughTracefs(control, path, offset, refCounterOffset, retprobe, pid, what);
    }

    /** The tracefs fallback of {@link #uprobe}. */
    static ProbeEvent uprobeThroughTracefs(Path control, String path, long offset, long refCounterOffset,
            boolean retprobe, int pid, String what) {
        String location = path + ":0x" + Long.toHexString(offset)
                + (refCounterOffset != 0 ? "(0x" + Long.toHexString(refCounterOffset) + ")" : "");
        return open(TracefsEvent.create(control, retprobe, location, what), pid, what);
    }

    private static ProbeEvent open(TracefsEvent probe, int pid, String what) {
        try {
            Fd event = PerfEvents.open(PerfEvents.Event.of(PerfEvents.TYPE_TRACEPOINT, probe.id()),
                    pid > 0 ? pid : -1, pid > 0 ? -1 : 0, what);
            return new ProbeEvent(event, probe);
        } catch (RuntimeException e) {
            Attachments.closeQuietly(probe, e);
            throw e;
        }
    }

    /** The perf PMU type number of {@code kprobe} or {@code uprobe}, if the kernel has that PMU. */
    private static OptionalInt pmuType(String pmu) {
        try {
            return OptionalInt.of(Integer.parseInt(Files.readString(EVENT_SOURCES.resolve(pmu).resolve("type"))
                    .trim()));
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** The config bit that makes a probe fire on return: {@code format/retprobe} says e.g. {@code config:0}. */
    private static int retprobeBit(String pmu) {
        Path format = EVENT_SOURCES.resolve(pmu).resolve("format").resolve("retprobe");
        try {
            return Integer.parseInt(formatField(format));
        } catch (IOException | NumberFormatException e) {
            throw new NotSupportedException(pmu.charAt(0) + "retprobe", "this kernel's " + pmu
                    + " PMU does not describe return probes in " + format + " (" + e.getMessage() + ")");
        }
    }

    /**
     * Where the USDT semaphore offset goes in {@code config}: {@code format/ref_ctr_offset} says {@code config:32-63}.
     */
    private static int refCounterShift(String what) {
        Path format = EVENT_SOURCES.resolve("uprobe").resolve("format").resolve("ref_ctr_offset");
        try {
            String bits = formatField(format);
            return Integer.parseInt(bits.substring(0, bits.indexOf('-')));
        } catch (IOException | RuntimeException e) {
            throw new NotSupportedException("uprobe ref_ctr_offset", what + ": this kernel cannot maintain USDT"
                    + " semaphores (no " + format + "; Linux 4.20+)");
        }
    }

    private static String formatField(Path format) throws IOException {
        String text = Files.readString(format).trim();
        if (!text.startsWith("config:")) {
            throw new IOException("unexpected format '" + text + "'");
        }
        return text.substring("config:".length());
    }

    private static Optional<Path> tracefsControlFile(String name) {
        return Mounts.find(Mounts.TRACEFS).map(tracefs -> tracefs.resolve(name)).filter(Files::isWritable);
    }

    private static String tracefsLocation() {
        return Mounts.find(Mounts.TRACEFS).map(Path::toString).orElse("tracefs is not mounted");
    }

    private static void requireName(String what, String value) {
        if (value == null || value.isEmpty() || value.contains("/") || value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException("invalid " + what + " '" + value + "'");
        }
    }
}
