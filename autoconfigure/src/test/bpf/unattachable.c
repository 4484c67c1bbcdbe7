// A tracepoint program aimed at a tracepoint no kernel has: every kernel loads it and none can attach it, whatever
// hooks its build offers. The health tests declare it required under failure-mode 'warn'.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

SEC("tracepoint/ebpf4j_test/no_such_tracepoint")
int probe_openat(void *ctx)
{
	__u32 zero = 0;
	__u64 *value = bpf_map_lookup_elem(&hits, &zero);

	if (value)
		__sync_fetch_and_add(value, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
