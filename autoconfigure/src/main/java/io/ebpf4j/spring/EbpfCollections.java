package io.ebpf4j.spring;

import java.util.Collection;
import java.util.Optional;

/** The collections the application manages (a bean). Snapshots are immutable; the registry updates as they change. */
public interface EbpfCollections {
    /** Every declared collection, in declaration order. */
    Collection<ManagedCollection> all();

    /** The collection declared under {@code name}. */
    Optional<ManagedCollection> get(String name);
}
