// Counts system calls by number and by process name, and failed system calls by errno, from the raw_syscalls
// tracepoints. Set target_pid (e.g. constants: { target_pid: self }) to watch one process only.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_SYSCALLS 1024
#define MAX_PROCESSES 10240
#define TASK_COMM_LEN 16

// The layout of the raw_syscalls tracepoints (see /sys/kernel/tracing/events/raw_syscalls/*/format).
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

struct process_key {
	char comm[TASK_COMM_LEN];
};

const volatile __u32 target_pid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_SYSCALLS);
	__type(key, __u64);
	__type(value, __u64);
} syscalls_total SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_PROCESSES);
	__type(key, struct process_key);
	__type(value, __u64);
} syscalls_by_process SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u64);
	__type(value, __u64);
} syscall_errors_total SEC(".maps");

static __always_inline int watched(void)
{
	return !target_pid || (bpf_get_current_pid_tgid() >> 32) == target_pid;
}

static __always_inline void increment(void *map, const void *key)
{
	__u64 one = 1, *count = bpf_map_lookup_elem(map, key);

	if (count) {
		__sync_fetch_and_add(count, 1);
		return;
	}
	// Another CPU may insert the key first: then add to its entry.
	if (bpf_map_update_elem(map, key, &one, BPF_NOEXIST)) {
		count = bpf_map_lookup_elem(map, key);
		if (count)
			__sync_fetch_and_add(count, 1);
	}
}

SEC("tracepoint/raw_syscalls/sys_enter")
int count_syscalls(struct sys_enter_args *ctx)
{
	struct process_key process = {};
	__u64 id = ctx->id;

	if (!watched())
		return 0;
	increment(&syscalls_total, &id);
	bpf_get_current_comm(process.comm, sizeof(process.comm));
	increment(&syscalls_by_process, &process);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int count_errors(struct sys_exit_args *ctx)
{
	__u64 error;

	if (ctx->ret >= 0 || !watched())
		return 0;
	error = -ctx->ret;
	increment(&syscall_errors_total, &error);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
