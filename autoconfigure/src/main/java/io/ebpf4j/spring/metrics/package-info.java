/**
 * Map contents as Micrometer meters and native Prometheus families (counters, gauges, histograms, with
 * ebpf_exporter's label decoders), event counters over ring buffers and perf arrays, and the built-in meters of
 * programs and maps, and the map metrics' text in the {@code prometheus} endpoint, written from their series.
 */
package io.ebpf4j.spring.metrics;
