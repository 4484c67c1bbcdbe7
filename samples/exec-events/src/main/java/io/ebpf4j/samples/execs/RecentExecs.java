package io.ebpf4j.samples.execs;

import io.ebpf4j.samples.execs.ExecsObjects.ExecEvent;
import io.ebpf4j.spring.events.EbpfRecordEvent;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Keeps the last exec events and streams new ones to subscribers as server-sent events.
 *
 * <p>The starter publishes each record of the 'execs' event counter as an {@link EbpfRecordEvent} (because of
 * {@code publish-events: true}) on the thread that reads the ring buffer: the listener only decodes (with the codec
 * generated from {@code struct exec_event}, see {@link ExecsObjects}) and stores, and hands the sending to its own
 * thread, so that a slow subscriber cannot hold up the reading.
 */
@Component
public class RecentExecs implements DisposableBean {
    private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);

    private final int capacity;
    private final ArrayDeque<ExecEvent> recent;
    private final List<SseEmitter> subscribers = new CopyOnWriteArrayList<>();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "exec-events-sse");
        thread.setDaemon(true);
        return thread;
    });

    public RecentExecs(@Value("${exec-events.recent:100}") int capacity) {
        this.capacity = capacity;
        this.recent = new ArrayDeque<>(capacity);
    }

    @EventListener(condition = "#event.counter == 'execs'")
    public void onExec(EbpfRecordEvent event) {
        ExecEvent exec = event.getRecord(ExecEvent.CODEC);
        synchronized (recent) {
            if (recent.size() == capacity) {
                recent.removeFirst();
            }
            recent.addLast(exec);
        }
        sender.execute(() -> send(exec));
    }

    /** The last events, oldest first. */
    public List<ExecEvent> recent() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }

    /** A stream of the events from now on, one SSE event named 'exec' with JSON data each. */
    public SseEmitter subscribe() throws IOException {
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        emitter.onCompletion(() -> subscribers.remove(emitter));
        emitter.onTimeout(emitter::complete);
        emitter.onError(error -> subscribers.remove(emitter));
        subscribers.add(emitter);
        // Sends the response headers right away: clients see the stream is open before the first exec.
        emitter.send(SseEmitter.event().comment("subscribed"));
        return emitter;
    }

    private void send(ExecEvent exec) {
        for (SseEmitter emitter : subscribers) {
            try {
                emitter.send(SseEmitter.event().name("exec").data(exec, MediaType.APPLICATION_JSON));
            } catch (IOException | IllegalStateException gone) {
                subscribers.remove(emitter);
                emitter.completeWithError(gone);
            }
        }
    }

    @Override
    public void destroy() {
        sender.shutdownNow();
        subscribers.forEach(SseEmitter::complete);
    }
}
