package io.ebpf4j.testing;

import io.ebpf4j.features.Features;

/**
 * Kernel features a test may need beyond map and program types, each answered by a probe of
 * {@link io.ebpf4j.features.Features}. Kernel builds differ in exactly these (one 6.18 build refuses map-element
 * iterators that another accepts), so tests declare them instead of assuming them.
 */
public enum KernelFeature {
    /** {@code BPF_LINK_CREATE}. */
    BPF_LINK(Features::requireBpfLink),
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
