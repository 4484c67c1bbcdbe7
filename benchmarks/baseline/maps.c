// C baseline for the map benchmarks: the same bpf(2) calls ebpf4j makes, issued directly, timed with
// CLOCK_MONOTONIC. Prints one "<benchmark> <ns per operation>" line per benchmark.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long sys_bpf(int cmd, union bpf_attr *attr) { return syscall(__NR_bpf, cmd, attr, sizeof(*attr)); }

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int create(int type, int key, int value, int max) {
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.map_type = type;
    a.key_size = key;
    a.value_size = value;
    a.max_entries = max;
    int fd = sys_bpf(BPF_MAP_CREATE, &a);
    if (fd < 0) { perror("map create"); exit(1); }
    return fd;
}

static int elem(int cmd, int fd, void *key, void *value, uint64_t flags) {
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.map_fd = fd;
    a.key = (uint64_t)(uintptr_t)key;
    a.value = (uint64_t)(uintptr_t)value;
    a.flags = flags;
    return sys_bpf(cmd, &a);
}

// Key sequence shared with the Java benchmark: a full-period walk of [0, n) that defeats prefetching.
static uint32_t key_at(uint64_t i, uint32_t n) { return (uint32_t)((i * 7919u) % n); }

int main(int argc, char **argv) {
    const uint32_t n = 1000000, percpu_n = 100000;
    long ops = argc > 1 ? atol(argv[1]) : 2000000;
    int ncpu = 0;
    for (FILE *f = fopen("/sys/devices/system/cpu/possible", "r"); f; f = NULL) {
        int lo, hi;
        if (fscanf(f, "%d-%d", &lo, &hi) == 2) ncpu = hi - lo + 1; else ncpu = 1;
        fclose(f);
    }
    int fd = create(BPF_MAP_TYPE_HASH, 4, 8, n);
    uint64_t value = 0;
    for (uint32_t k = 0; k < n; k++) { value = k; elem(BPF_MAP_UPDATE_ELEM, fd, &k, &value, BPF_ANY); }

    double t0 = now_ns();
    for (long i = 0; i < ops; i++) { uint32_t k = key_at(i, n); value = i; elem(BPF_MAP_UPDATE_ELEM, fd, &k, &value, BPF_ANY); }
    printf("hashUpdate %.1f\n", (now_ns() - t0) / ops);

    t0 = now_ns();
    for (long i = 0; i < ops; i++) {
        uint32_t k = key_at(i, n);
        if (elem(BPF_MAP_LOOKUP_ELEM, fd, &k, &value, 0)) { perror("lookup"); return 1; }
    }
    printf("hashLookup %.1f\n", (now_ns() - t0) / ops);

    // iterate: get-next-key + lookup per entry
    t0 = now_ns();
    uint32_t cur, next;
    long seen = 0;
    void *prev = NULL;
    while (elem(BPF_MAP_GET_NEXT_KEY, fd, prev, &next, 0) == 0) {
        cur = next;
        prev = &cur;
        if (elem(BPF_MAP_LOOKUP_ELEM, fd, &cur, &value, 0) == 0) seen++;
    }
    printf("hashIterate %.1f\n", (now_ns() - t0) / seen);

    // batch lookup of everything, 8192 entries per call
    const uint32_t batch = 8192;
    uint32_t *keys = malloc(batch * 4);
    uint64_t *values = malloc(batch * 8);
    uint64_t token_in = 0, token_out = 0;
    t0 = now_ns();
    seen = 0;
    int started = 0;
    for (;;) {
        union bpf_attr a;
        memset(&a, 0, sizeof(a));
        a.batch.in_batch = started ? (uint64_t)(uintptr_t)&token_in : 0;
        a.batch.out_batch = (uint64_t)(uintptr_t)&token_out;
        a.batch.keys = (uint64_t)(uintptr_t)keys;
        a.batch.values = (uint64_t)(uintptr_t)values;
        a.batch.count = batch;
        a.batch.map_fd = fd;
        int r = sys_bpf(BPF_MAP_LOOKUP_BATCH, &a);
        seen += a.batch.count;
        if (r && errno == ENOENT) break;
        if (r) { perror("batch"); return 1; }
        token_in = token_out;
        started = 1;
    }
    printf("hashBatchLookup %.1f\n", (now_ns() - t0) / seen);

    int pfd = create(BPF_MAP_TYPE_PERCPU_HASH, 4, 8, percpu_n);
    uint64_t *pv = calloc(ncpu, 8);
    for (uint32_t k = 0; k < percpu_n; k++) elem(BPF_MAP_UPDATE_ELEM, pfd, &k, pv, BPF_ANY);
    t0 = now_ns();
    for (long i = 0; i < ops; i++) {
        uint32_t k = key_at(i, percpu_n);
        if (elem(BPF_MAP_LOOKUP_ELEM, pfd, &k, pv, 0)) { perror("percpu lookup"); return 1; }
    }
    printf("perCpuLookup %.1f\n", (now_ns() - t0) / ops);

    // The floor of every operation above: one trivial system call, to tell the cost of calling into native code
    // from the cost of the bpf(2) work.
    t0 = now_ns();
    for (long i = 0; i < ops; i++) {
        if (syscall(__NR_getppid) < 0) { perror("getppid"); return 1; }
    }
    printf("getppidSyscall %.1f\n", (now_ns() - t0) / ops);
    return 0;
}
