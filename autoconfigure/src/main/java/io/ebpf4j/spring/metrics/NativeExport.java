package io.ebpf4j.spring.metrics;

import java.util.List;

/** A destination for map metrics outside Micrometer's meters (the Prometheus registry's own collectors). */
interface NativeExport extends AutoCloseable {
    /** Publishes {@code family} from now on. */
    void add(MapMetricFamily<?> family);

    /** The exposition names of the histograms published, for {@link PrometheusBucketLabels}. */
    List<String> histogramNames();

    /** Stops publishing. */
    @Override
    void close();
}
