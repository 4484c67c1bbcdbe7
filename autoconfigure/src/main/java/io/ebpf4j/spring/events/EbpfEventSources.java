package io.ebpf4j.spring.events;

import io.ebpf4j.BpfMap;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.ManagedCollection;
import io.ebpf4j.spring.autoconfigure.EbpfCollectionRegistry;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the ring buffers and perf event arrays that something subscribed to, one daemon thread each, and hands
 * their records to the subscribers. Reading starts just before the collections' programs are attached, so that no
 * record is missed, and stops just after they are detached, before the collections close.
 */
public final class EbpfEventSources implements SmartLifecycle {
    private static final Log logger = LogFactory.getLog(EbpfEventSources.class);

    /** One buffer's counts of records, for meters. */
    public interface Source {
        String collection();

        String map();

        /** Records read so far. */
        long recordsRead();

        /** Records lost: perf samples the kernel dropped because the buffer was full; ring records discarded. */
        long recordsLost();
    }

    private final EbpfCollections collections;
    private final Map<String, EventSource> sources = new LinkedHashMap<>();
    private boolean running;

    public EbpfEventSources(EbpfCollections collections) {
        this.collections = collections;
    }

    /**
     * Hands the records of map {@code map} of collection {@code collection} (a ring buffer or perf event array) to
     * {@code subscriber} from now on; reading starts with this bean, or at once when it already runs.
     */
    public synchronized Source subscribe(String collection, String map, RecordSubscriber subscriber) {
        EventSource source = sources.computeIfAbsent(collection + "\0" + map, k -> new EventSource(collection, map));
        source.add(subscriber);
        if (running) {
            start(source);
        }
        return source;
    }

    @Override
    public synchronized void start() {
        running = true;
        sources.values().forEach(this::start);
    }

    private void start(EventSource source) {
        BpfMap map = collections.get(source.collection())
                .filter(c -> c.status() != ManagedCollection.Status.CLOSED)
                .flatMap(ManagedCollection::loaded)
                .map(c -> c.maps().get(source.map()))
                .orElse(null);
        if (map == null) {
            logger.warn("Collection '" + source.collection() + "' is not loaded: its events from map '"
                    + source.map() + "' are not read");
            return;
        }
        source.start(map);
    }

    @Override
    public synchronized void stop() {
        running = false;
        sources.values().forEach(EventSource::close);
    }

    @Override
    public synchronized boolean isRunning() {
        return running;
    }

    /** Just before the collections' programs are attached, and so just after they are detached. */
    @Override
    public int getPhase() {
        return EbpfCollectionRegistry.PHASE - 1;
    }

    @Override
    public String toString() {
        return "EbpfEventSources" + sources.values();
    }
}
