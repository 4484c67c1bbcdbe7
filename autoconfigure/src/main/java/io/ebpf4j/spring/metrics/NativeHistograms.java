package io.ebpf4j.spring.metrics;

/** A destination for kernel histograms outside Micrometer's meters (Prometheus-native histograms). */
interface NativeHistograms extends AutoCloseable {
    /** Publishes {@code family} from now on. */
    void add(HistogramFamily family);

    /** Stops publishing. */
    @Override
    void close();
}
