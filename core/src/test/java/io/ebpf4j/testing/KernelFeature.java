package io.ebpf4j.testing;

import io.ebpf4j.AttachType;
import io.ebpf4j.ProgramType;
import io.ebpf4j.asm.Helper;
import io.ebpf4j.features.Features;

/**
 * Kernel features a test may need beyond map and program types, each answered by a probe of
 * {@link io.ebpf4j.features.Features}. Kernel builds differ in exactly these (one 6.18 build refuses map-element
 * iterators that another accepts), so tests declare them instead of assuming them.
 */
public enum KernelFeature {
    /** {@code BPF_LINK_CREATE}. */
    BPF_LINK(Features::requireBpfLink),
    /** Kprobes and kretprobes (the kprobe PMU or tracefs {@code kprobe_events}), probed by attaching one. */
    KPROBE(Features::requireKprobes),
    /** kprobe_multi links ({@code CONFIG_FPROBE}). */
    KPROBE_MULTI(Features::requireKprobeMulti),
    /** freplace: EXT programs replacing a global function of a loaded program. */
    FREPLACE(Features::requireFreplace),
    /** fentry through a BPF trampoline. */
    FENTRY(() -> Features.requireTracingAttach(AttachType.TRACE_FENTRY)),
    /** fexit through a BPF trampoline. */
    FEXIT(() -> Features.requireTracingAttach(AttachType.TRACE_FEXIT)),
    /** fmod_ret through a BPF trampoline. */
    FMOD_RET(() -> Features.requireTracingAttach(AttachType.MODIFY_RETURN)),
    /** BPF LSM programs (the bpf LSM active). */
    LSM(() -> Features.requireTracingAttach(AttachType.LSM_MAC)),
    /** The kfunc {@code bpf_task_from_pid} (Linux 6.2). */
    TASK_FROM_PID_KFUNC(() -> Features.requireKfunc("bpf_task_from_pid")),
    /** The bpf_get_attach_cookie helper in raw tracepoint programs (Linux 6.10). */
    RAW_TRACEPOINT_COOKIE(() -> Features.requireHelper(ProgramType.RAW_TRACEPOINT, Helper.GET_ATTACH_COOKIE.id())),
    /** bpf_probe_write_user in tracepoint programs: refused under lockdown (integrity or confidentiality). */
    PROBE_WRITE_USER(() -> Features.requireHelper(ProgramType.TRACEPOINT, Helper.PROBE_WRITE_USER.id())),
    /** uprobe_multi links (Linux 6.6). */
    UPROBE_MULTI(Features::requireUprobeMulti),
    /** struct_ops maps attached through links, {@code .struct_ops.link} (Linux 6.4). */
    STRUCT_OPS_LINK(Features::requireStructOpsLink),
    /** TCX links for TC programs (Linux 6.6). */
    TCX(Features::requireTcx),
    /** Iterators over tasks ({@code iter/task}). */
    TASK_ITERATOR(() -> Features.requireIterator("task")),
    /** Iterators over the elements of a map ({@code iter/bpf_map_elem}). */
    MAP_ELEMENT_ITERATOR(() -> Features.requireIterator("bpf_map_elem"));

    private final Runnable requirement;

    KernelFeature(Runnable requirement) {
        this.requirement = requirement;
    }

    /** Throws {@link io.ebpf4j.NotSupportedException} when the running kernel lacks the feature. */
    void require() {
        requirement.run();
    }
}
