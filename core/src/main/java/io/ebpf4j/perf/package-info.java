/**
 * Perf event output: {@link io.ebpf4j.perf.PerfReader} reads what programs send with
 * {@code bpf_perf_event_output} to a {@code BPF_MAP_TYPE_PERF_EVENT_ARRAY} map, from one mapped ring per CPU.
 * For new programs on kernels 5.8+, a ring buffer ({@link io.ebpf4j.ringbuf}) is usually the better choice: one
 * buffer shared by all CPUs, ordered across CPUs, with fewer wakeups.
 */
package io.ebpf4j.perf;
