/**
 * Map contents as Micrometer meters and native Prometheus families (counters, gauges, histograms, with
 * ebpf_exporter's label decoders), event counters over ring buffers and perf arrays, and the built-in meters of
 * programs and maps.
 */
package io.ebpf4j.spring.metrics;
