/**
 * Records of ring buffers and perf event arrays: {@link io.ebpf4j.spring.events.EbpfEventSources} reads each buffer
 * that something subscribed to on a thread of its own, from before the programs are attached until after they are
 * detached, and hands each record to its subscribers (the metrics' event counters, and the publisher of
 * {@link io.ebpf4j.spring.events.EbpfRecordEvent}s for {@code ebpf.collections.<name>.publish-events}, which needs no
 * Micrometer).
 */
package io.ebpf4j.spring.events;
