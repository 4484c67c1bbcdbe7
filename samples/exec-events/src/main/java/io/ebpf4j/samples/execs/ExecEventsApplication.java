package io.ebpf4j.samples.execs;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Receives a record for every program the machine executes, counts them by file at /actuator/prometheus, and serves
 * the latest at /execs/recent and as they happen at /execs/stream.
 */
@SpringBootApplication
public class ExecEventsApplication {
    public static void main(String[] args) {
        SpringApplication.run(ExecEventsApplication.class, args);
    }
}
