package io.ebpf4j.link;

import java.io.InputStream;

/**
 * A BPF iterator ({@code SEC("iter/...")} program) attached to its target, made by {@link Links#iter}. Each
 * {@link #open()} runs the program over the target's objects (tasks, map elements, ...) from the beginning and
 * streams what it writes with {@code bpf_seq_write}/{@code bpf_seq_printf}.
 */
public interface IterLink extends BpfLink {
    /** A new pass over the iterator ({@code BPF_ITER_CREATE}); close the stream when done. */
    InputStream open();
}
