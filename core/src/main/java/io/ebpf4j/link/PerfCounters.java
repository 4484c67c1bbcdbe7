package io.ebpf4j.link;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramType;
import io.ebpf4j.internal.Cpus;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Fd;

import java.util.ArrayList;
import java.util.List;

/** Perf event programs run on samples of a hardware or software counter, one perf event per online CPU. */
final class PerfCounters {
    private PerfCounters() {}

    static BpfLink perfEvent(BpfProgram program, PerfEventSpec spec) {
        Attachments.requireType(program, "perf event", ProgramType.PERF_EVENT);
        String description = "perf " + spec.describe() + " on every CPU <- " + Attachments.describe(program);
        List<BpfLink> parts = new ArrayList<>();
        try {
            for (int cpu : Cpus.online()) {
                String what = "perf " + spec.describe() + " on CPU " + cpu;
                Fd event = openCounter(spec, cpu, what);
                parts.add(PerfEvents.attach(program, event, 0, what + " <- " + Attachments.describe(program), null));
            }
        } catch (RuntimeException e) {
            Attachments.closeAll(parts, e);
            throw e;
        }
        return new LinkGroup(parts, description, null);
    }

    static Fd openCounter(PerfEventSpec spec, int cpu, String what) {
        boolean frequency = spec.sampleFrequency() > 0;
        PerfEvents.Event event = new PerfEvents.Event(spec.type(), spec.config(), 0, 0,
                frequency ? spec.sampleFrequency() : spec.samplePeriod(), frequency, null);
        try {
            return PerfEvents.open(event, -1, cpu, what);
        } catch (BpfException e) {
            if (e.errno() == Errno.ENOENT || e.errno() == Errno.EOPNOTSUPP) {
                throw new NotSupportedException("perf event " + spec.describe(), "perf_event_open for " + what + ": "
                        + Errno.describe(e.errno()) + ": this machine has no PMU that counts this event"
                        + (spec.type() == PerfEventSpec.HARDWARE ? " (virtual machines often expose no hardware"
                        + " counters: use a software event such as PerfEventSpec.SW_CPU_CLOCK)" : ""), e.errno());
            }
            throw e;
        }
    }
}
