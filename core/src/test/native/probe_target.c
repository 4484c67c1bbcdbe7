/*
 * Target process for the uprobe, USDT, cgroup and tracepoint tests: prints "ready", waits for a line on stdin (so
 * that the test can attach to it, or move it into a cgroup, first), does <command> <count> times, then prints
 * "done <result>". Compiled by the tests at run time (see NativeBinaries), never committed as a binary.
 */
#define _GNU_SOURCE
#define _SDT_HAS_SEMAPHORES 1
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* USDT semaphores: the kernel increments them while a uprobe with their ref_ctr_offset is attached. */
unsigned short ebpf4j_tick_semaphore __attribute__((section(".probes")));
unsigned short ebpf4j_guarded_semaphore __attribute__((section(".probes")));

__attribute__((noinline)) long ebpf4j_probe_target(long x) {
    __asm__ volatile("" ::: "memory");
    return x * 2 + 1;
}

__attribute__((noinline)) long ebpf4j_other_target(long x) {
    __asm__ volatile("" ::: "memory");
    return x + 3;
}

/* Sends count 77-byte datagrams to itself over loopback and receives them. */
static long udp(long count) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    char payload[77] = {0};
    if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof address) != 0
            || getsockname(fd, (struct sockaddr *)&address, &length) != 0) {
        perror("udp");
        exit(3);
    }
    long received = 0;
    for (long i = 0; i < count; i++) {
        sendto(fd, payload, sizeof payload, 0, (struct sockaddr *)&address, sizeof address);
        if (recv(fd, payload, sizeof payload, 0) == sizeof payload) {
            received++;
        }
    }
    close(fd);
    return received;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s call|multi|getpid|getppid|usdt|guarded|udp|sockets <count>\n", argv[0]);
        return 1;
    }
    const char *command = argv[1];
    long count = atol(argv[2]);
    char line[16];
    printf("ready\n");
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin)) {
        return 2;
    }
    long result = 0;
    for (long i = 0; i < count; i++) {
        if (!strcmp(command, "call")) {
            result += ebpf4j_probe_target(i);
        } else if (!strcmp(command, "multi")) {
            result += ebpf4j_probe_target(i) + ebpf4j_other_target(i);
        } else if (!strcmp(command, "getpid")) {
            result += getpid();
        } else if (!strcmp(command, "getppid")) {
            result += syscall(SYS_getppid);
        } else if (!strcmp(command, "usdt")) {
            /* The first argument is in a register, the second in memory (the stack). */
            long value = 1000 + i;
            volatile int doubled = (int)value * 2;
            DTRACE_PROBE2(ebpf4j, tick, value, doubled);
            result += value;
        } else if (!strcmp(command, "guarded")) {
            /* Fires only while something is attached: the semaphore counts the attached uprobes. */
            if (ebpf4j_guarded_semaphore) {
                DTRACE_PROBE1(ebpf4j, guarded, i);
                result++;
            }
        } else if (!strcmp(command, "sockets")) {
            close(socket(AF_INET, SOCK_DGRAM, 0));
            close(socket(AF_INET6, SOCK_DGRAM, 0));
        } else if (!strcmp(command, "udp")) {
            result = udp(count);
            break;
        } else {
            fprintf(stderr, "unknown command %s\n", command);
            return 1;
        }
    }
    printf("done %ld\n", result);
    return 0;
}
