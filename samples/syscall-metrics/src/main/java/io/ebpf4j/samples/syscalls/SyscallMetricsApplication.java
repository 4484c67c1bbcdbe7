package io.ebpf4j.samples.syscalls;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Counts the machine's system calls in the kernel and serves them at /actuator/prometheus. */
@SpringBootApplication
public class SyscallMetricsApplication {
    public static void main(String[] args) {
        SpringApplication.run(SyscallMetricsApplication.class, args);
    }
}
