package io.ebpf4j.spring.metrics;

/** A destination for map metrics outside Micrometer's meters (the Prometheus registry's own collectors). */
interface NativeExport extends AutoCloseable {
    /** Publishes {@code family} from now on. */
    void add(MapMetricFamily<?> family);

    /** Stops publishing. */
    @Override
    void close();
}
