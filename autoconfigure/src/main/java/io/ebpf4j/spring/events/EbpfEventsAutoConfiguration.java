package io.ebpf4j.spring.events;

import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.EbpfConfigurationException;
import io.ebpf4j.spring.ManagedCollection;
import io.ebpf4j.spring.autoconfigure.EbpfAutoConfiguration;
import io.ebpf4j.spring.autoconfigure.EbpfProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

import java.util.List;
import java.util.Map;

/**
 * The reader of the collections' ring buffers and perf event arrays ({@link EbpfEventSources}), and the
 * {@link EbpfRecordEvent}s of the maps listed in {@code ebpf.collections.<name>.publish-events}. Needs no
 * Micrometer; the metrics' event counters subscribe to the same reader.
 */
@AutoConfiguration(after = EbpfAutoConfiguration.class)
@ConditionalOnBean(EbpfCollections.class)
public final class EbpfEventsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    EbpfEventSources ebpfEventSources(EbpfCollections collections, EbpfProperties properties,
            ApplicationEventPublisher publisher) {
        EbpfEventSources sources = new EbpfEventSources(collections);
        for (Map.Entry<String, EbpfProperties.CollectionProperties> entry : properties.getCollections().entrySet()) {
            String collection = entry.getKey();
            List<String> maps = entry.getValue().getPublishEvents();
            ManagedCollection managed = collections.get(collection).orElse(null);
            if (maps.isEmpty() || managed == null || managed.spec() == null) {
                continue; // a collection that could not be read is reported by the registry
            }
            for (String map : maps) {
                checkBuffer(collection, entry.getValue(), managed, map);
                sources.subscribe(collection, map, new RecordPublisher(sources, collection, map, publisher));
            }
        }
        return sources;
    }

    private static void checkBuffer(String collection, EbpfProperties.CollectionProperties config,
            ManagedCollection managed, String map) {
        MapSpec spec = managed.spec().maps().get(map);
        if (spec != null && (spec.type() == MapType.RINGBUF || spec.type() == MapType.PERF_EVENT_ARRAY)) {
            return;
        }
        List<String> buffers = managed.spec().maps().values().stream()
                .filter(m -> m.type() == MapType.RINGBUF || m.type() == MapType.PERF_EVENT_ARRAY)
                .map(MapSpec::name).toList();
        throw new EbpfConfigurationException(collection,
                config.getObject() != null ? config.getObject().getDescription() : null, null,
                "ebpf.collections." + collection + ".publish-events",
                "publish-events must name ring buffers or perf event arrays; " + (spec == null
                        ? "there is no map '" + map + "'" : "'" + map + "' is a " + spec.type() + " map"),
                buffers, null);
    }
}
