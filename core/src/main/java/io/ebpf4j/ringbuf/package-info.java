/**
 * BPF ring buffers: {@link io.ebpf4j.ringbuf.RingBufferReader} reads {@code BPF_MAP_TYPE_RINGBUF} maps that
 * programs write, {@link io.ebpf4j.ringbuf.UserRingBuffer} writes {@code BPF_MAP_TYPE_USER_RINGBUF} maps that
 * programs drain. Both work on the map's memory mapped into this process, with no syscall per record.
 */
package io.ebpf4j.ringbuf;
