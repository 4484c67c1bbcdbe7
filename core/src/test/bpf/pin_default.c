// A map pinned by name (LIBBPF_PIN_BY_NAME) with no pin path given: libbpf pins it under /sys/fs/bpf.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ebpf4j_pin_default SEC(".maps");

SEC("syscall")
int count(void *ctx)
{
	__u32 key = 0;
	__u64 *value = bpf_map_lookup_elem(&ebpf4j_pin_default, &key);

	if (value)
		__sync_fetch_and_add(value, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
