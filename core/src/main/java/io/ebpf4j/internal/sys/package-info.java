/**
 * The system-call boundary: libc entry points ({@link io.ebpf4j.internal.sys.LibC}, through
 * {@code java.lang.foreign} on Java 22+ and JNA before), {@code bpf(2)} commands, the layouts of the kernel structures
 * ebpf4j reads or writes (one {@link io.ebpf4j.internal.sys.Layout} class each, its offsets checked against the running
 * kernel's BTF), per-thread native scratch buffers, reference-counted descriptors and errno-to-exception mapping. Not
 * public API.
 */
package io.ebpf4j.internal.sys;
