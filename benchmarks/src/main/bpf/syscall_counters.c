// A typical small collection for the start-up benchmark: a constant, three maps, two tracepoint programs.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 target_pid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} opens SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} closes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} total SEC(".maps");

static __always_inline int count(void *map)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	__u32 zero = 0;
	__u64 one = 1;
	__u64 *value;

	if (target_pid && (id >> 32) != target_pid)
		return 0;
	value = bpf_map_lookup_elem(map, &tid);
	if (value)
		__sync_fetch_and_add(value, 1);
	else
		bpf_map_update_elem(map, &tid, &one, BPF_NOEXIST);
	value = bpf_map_lookup_elem(&total, &zero);
	if (value)
		*value += 1;
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int count_openat(void *ctx)
{
	return count(&opens);
}

SEC("tracepoint/syscalls/sys_enter_close")
int count_close(void *ctx)
{
	return count(&closes);
}

char LICENSE[] SEC("license") = "GPL";
