// Two tracepoint programs sharing a counter: one on a tracepoint every kernel has, one on a tracepoint no kernel
// has, to test how a failing program is tolerated ('required') or fails its collection.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} calls SEC(".maps");

static __always_inline int count(void)
{
	__u32 zero = 0;
	__u64 *value = bpf_map_lookup_elem(&calls, &zero);

	if (value)
		__sync_fetch_and_add(value, 1);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int existing_hook(void *ctx)
{
	return count();
}

SEC("tracepoint/ebpf4j_test/no_such_event")
int missing_hook(void *ctx)
{
	return count();
}

char LICENSE[] SEC("license") = "GPL";
