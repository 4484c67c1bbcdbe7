// System call latency as a kernel-side histogram, keyed by syscall number and log2 bucket of microseconds, in
// ebpf_exporter's layout: bucket = ceil(log2(latency)), and bucket MAX_BUCKET + 1 holds the sum of latencies.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_BUCKET 26 // up to 2^26 us = 67 s

struct sys_enter_args {
	__u64 common;
	long id;
	unsigned long args[6];
};

struct sys_exit_args {
	__u64 common;
	long id;
	long ret;
};

struct latency_key {
	__u32 syscall;
	__u32 bucket;
};

const volatile __u32 target_pid = 0;

// LRU: a thread that never returns from its system call (exit) leaves an entry behind; the oldest go first.
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);   // thread id
	__type(value, __u64); // entry time, ns
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct latency_key);
	__type(value, __u64);
} syscall_latency SEC(".maps");

static __always_inline int watched(void)
{
	return !target_pid || (bpf_get_current_pid_tgid() >> 32) == target_pid;
}

static __always_inline __u32 log2_ceil(__u64 value)
{
	__u32 bucket = 0;

	// bounded loop: the verifier accepts it (kernels >= 5.3)
	while (bucket < MAX_BUCKET && (1ULL << bucket) < value)
		bucket++;
	return bucket;
}

static __always_inline void add(struct latency_key *key, __u64 amount)
{
	__u64 *value = bpf_map_lookup_elem(&syscall_latency, key);

	if (value) {
		__sync_fetch_and_add(value, amount);
	} else if (bpf_map_update_elem(&syscall_latency, key, &amount, BPF_NOEXIST)) {
		value = bpf_map_lookup_elem(&syscall_latency, key);
		if (value)
			__sync_fetch_and_add(value, amount);
	}
}

SEC("tracepoint/raw_syscalls/sys_enter")
int syscall_enter(struct sys_enter_args *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();

	if (watched())
		bpf_map_update_elem(&starts, &tid, &now, BPF_ANY);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int syscall_exit(struct sys_exit_args *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *start = bpf_map_lookup_elem(&starts, &tid);
	struct latency_key key = { .syscall = (__u32)ctx->id };
	__u64 micros;

	if (!start)
		return 0;
	micros = (bpf_ktime_get_ns() - *start) / 1000;
	bpf_map_delete_elem(&starts, &tid);
	key.bucket = log2_ceil(micros);
	add(&key, 1);
	key.bucket = MAX_BUCKET + 1;
	add(&key, micros);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
