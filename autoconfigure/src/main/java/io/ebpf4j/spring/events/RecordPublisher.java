package io.ebpf4j.spring.events;

import org.springframework.context.ApplicationEventPublisher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Publishes each record of one buffer as an {@link EbpfRecordEvent} ({@code ebpf.collections.<name>.publish-events}):
 * the records of a wait are copied, then published after it, so that a failing listener cannot interrupt a poll.
 */
final class RecordPublisher implements RecordSubscriber {
    private final Object source;
    private final String collection;
    private final String map;
    private final ApplicationEventPublisher publisher;
    private final List<EbpfRecordEvent> pending = new ArrayList<>();

    RecordPublisher(Object source, String collection, String map, ApplicationEventPublisher publisher) {
        this.source = source;
        this.collection = collection;
        this.map = map;
        this.publisher = publisher;
    }

    @Override
    public void onRecord(EbpfRecord record) {
        pending.add(new EbpfRecordEvent(source, collection, map, null, Map.of(), record.toByteArray()));
    }

    @Override
    public void afterPoll(long nowNanos) {
        if (pending.isEmpty()) {
            return;
        }
        List<EbpfRecordEvent> events = new ArrayList<>(pending);
        pending.clear();
        events.forEach(publisher::publishEvent);
    }
}
