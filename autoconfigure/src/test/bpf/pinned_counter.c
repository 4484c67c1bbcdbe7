// Counts openat(2) calls of one process (target_pid) into a map pinned by name, so that the count survives a
// restart of the application when a pin path is configured.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 target_pid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} total_opens SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int count_openat(void *ctx)
{
	__u32 zero = 0;
	__u64 *count;

	if ((bpf_get_current_pid_tgid() >> 32) != target_pid)
		return 0;
	count = bpf_map_lookup_elem(&total_opens, &zero);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
