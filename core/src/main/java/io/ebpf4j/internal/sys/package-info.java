/**
 * The system-call boundary: libc entry points ({@link io.ebpf4j.internal.sys.LibC}, through
 * {@code java.lang.foreign} on Java 22+ and JNA before), {@code bpf_attr} layouts and commands, per-thread native
 * scratch buffers, reference-counted descriptors and errno-to-exception mapping. Not public API.
 */
package io.ebpf4j.internal.sys;
