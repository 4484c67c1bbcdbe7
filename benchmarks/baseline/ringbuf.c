// C baseline for RingBufferBenchmark: the consume loop of libbpf's ring_buffer__consume (acquire loads of the
// producer position and of each header, a callback per record through a function pointer, a release store of the
// consumer position after each record), on the same kind of map, filled by the same program through
// BPF_PROG_TEST_RUN. Only consumption is timed. Prints "ringbufConsume <ns per record>".
#define _GNU_SOURCE
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RING_SIZE (8 << 20)
#define RECORD_SIZE 64
#define RECORDS 100000
#define WARMUP 20
#define ITERATIONS 200

static long sys_bpf(int cmd, union bpf_attr *attr) { return syscall(__NR_bpf, cmd, attr, sizeof(*attr)); }

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    struct bpf_insn i = {.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
    return i;
}

// The program RingBufferBenchmark assembles: 64 initialised stack bytes sent with bpf_ringbuf_output.
static int load_producer(int map_fd) {
    struct bpf_insn prog[32];
    int n = 0;
    for (int i = 0; i < RECORD_SIZE; i += 8) prog[n++] = insn(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -RECORD_SIZE + i, i + 1);
    prog[n++] = insn(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, map_fd);
    prog[n++] = insn(0, 0, 0, 0, 0);
    prog[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0);
    prog[n++] = insn(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -RECORD_SIZE);
    prog[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, RECORD_SIZE);
    prog[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 4, 0, 0, 0);
    prog[n++] = insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_output);
    prog[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
    prog[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
    a.insns = (uint64_t)(uintptr_t)prog;
    a.insn_cnt = n;
    a.license = (uint64_t)(uintptr_t)"GPL";
    int fd = sys_bpf(BPF_PROG_LOAD, &a);
    if (fd < 0) { perror("prog load"); exit(1); }
    return fd;
}

static void fill(int prog_fd) {
    static char packet[64];
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.test.prog_fd = prog_fd;
    a.test.data_in = (uint64_t)(uintptr_t)packet;
    a.test.data_size_in = sizeof(packet);
    a.test.repeat = RECORDS;
    if (sys_bpf(BPF_PROG_TEST_RUN, &a)) { perror("test run"); exit(1); }
}

typedef int (*sample_fn)(void *ctx, void *data, uint32_t size);

struct ring {
    uint64_t *consumer_pos;
    uint64_t *producer_pos;
    uint8_t *data;
    uint64_t mask;
    sample_fn sample_cb;
    void *ctx;
};

static __attribute__((noinline)) int add_first_u64(void *ctx, void *data, uint32_t size) {
    (void)size;
    *(uint64_t *)ctx += *(uint64_t *)data;
    return 0;
}

static __attribute__((noinline)) long consume(struct ring *r) {
    long count = 0;
    uint64_t cons = __atomic_load_n(r->consumer_pos, __ATOMIC_ACQUIRE);
    uint64_t prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
    while (cons < prod) {
        uint32_t *header = (uint32_t *)(r->data + (cons & r->mask));
        uint32_t len = __atomic_load_n(header, __ATOMIC_ACQUIRE);
        if (len & BPF_RINGBUF_BUSY_BIT) break;
        cons += (((len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT)) + BPF_RINGBUF_HDR_SZ + 7) / 8) * 8;
        if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
            r->sample_cb(r->ctx, header + 2, len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT));
            count++;
        }
        __atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
    }
    return count;
}

int main(void) {
    long page = sysconf(_SC_PAGESIZE);
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.map_type = BPF_MAP_TYPE_RINGBUF;
    a.max_entries = RING_SIZE;
    int map_fd = sys_bpf(BPF_MAP_CREATE, &a);
    if (map_fd < 0) { perror("map create"); return 1; }
    int prog_fd = load_producer(map_fd);

    void *consumer = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
    void *producer = mmap(NULL, page + 2 * (size_t)RING_SIZE, PROT_READ, MAP_SHARED, map_fd, page);
    if (consumer == MAP_FAILED || producer == MAP_FAILED) { perror("mmap"); return 1; }
    uint64_t sum = 0;
    struct ring r = {consumer, producer, (uint8_t *)producer + page, RING_SIZE - 1, add_first_u64, &sum};

    double total = 0;
    for (int i = 0; i < WARMUP + ITERATIONS; i++) {
        fill(prog_fd);
        double t0 = now_ns();
        long n = consume(&r);
        double t1 = now_ns();
        if (n != RECORDS) { fprintf(stderr, "consumed %ld records, expected %d\n", n, RECORDS); return 1; }
        if (i >= WARMUP) total += t1 - t0;
    }
    printf("ringbufConsume %.2f\n", total / ((double)ITERATIONS * RECORDS));
    fprintf(stderr, "(checksum %llu)\n", (unsigned long long)sum);
    return 0;
}
