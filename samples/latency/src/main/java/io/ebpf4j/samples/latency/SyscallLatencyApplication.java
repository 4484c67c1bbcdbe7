package io.ebpf4j.samples.latency;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Measures system call latency in the kernel and serves it as a histogram at /actuator/prometheus. */
@SpringBootApplication
public class SyscallLatencyApplication {
    public static void main(String[] args) {
        SpringApplication.run(SyscallLatencyApplication.class, args);
    }
}
