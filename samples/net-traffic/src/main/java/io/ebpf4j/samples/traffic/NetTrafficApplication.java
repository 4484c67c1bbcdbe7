package io.ebpf4j.samples.traffic;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Counts the packets and bytes of this application's cgroup in the kernel and serves them at /actuator/prometheus. */
@SpringBootApplication
public class NetTrafficApplication {
    public static void main(String[] args) {
        SpringApplication.run(NetTrafficApplication.class, args);
    }
}
