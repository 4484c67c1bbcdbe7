// Counts openat(2) calls per thread, for the threads of one process (target_pid, a tgid) or of every process (0).
// The Spring tests set target_pid to 'self' and look up their own thread id.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 target_pid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);   /* thread id */
	__type(value, __u64); /* openat calls */
} opens SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int count_openat(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	__u32 tid = (__u32)id;
	__u64 one = 1;
	__u64 *count;

	if (target_pid && tgid != target_pid)
		return 0;
	count = bpf_map_lookup_elem(&opens, &tid);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&opens, &tid, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
