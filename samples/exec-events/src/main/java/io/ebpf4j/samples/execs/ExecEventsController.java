package io.ebpf4j.samples.execs;

import io.ebpf4j.samples.execs.ExecsObjects.ExecEvent;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.List;

/** The exec events over HTTP. */
@RestController
@RequestMapping("/execs")
public class ExecEventsController {
    private final RecentExecs execs;
    private final ExecsObjects objects;

    /**
     * @param objects the generated typed view of the collection the starter loaded from execs.bpf.o (bean
     *     {@code execs.objects})
     */
    public ExecEventsController(RecentExecs execs, ExecsObjects objects) {
        this.execs = execs;
        this.objects = objects;
    }

    /** The last events (up to exec-events.recent), oldest first. */
    @GetMapping(path = "/recent", produces = MediaType.APPLICATION_JSON_VALUE)
    public List<ExecEvent> recent() {
        return execs.recent();
    }

    /** Records the ring buffer had no room for: the program's global {@code dropped}, read from the kernel. */
    @GetMapping(path = "/dropped", produces = MediaType.APPLICATION_JSON_VALUE)
    public long dropped() {
        return objects.dropped();
    }

    /** New events as they happen, as server-sent events: {@code curl -N localhost:8080/execs/stream}. */
    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter stream() throws IOException {
        return execs.subscribe();
    }
}
