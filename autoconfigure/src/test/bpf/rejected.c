// A program the verifier rejects: it dereferences a hash map lookup result without checking it for NULL (an array
// lookup with a constant key in bounds would pass on recent kernels, which know it cannot fail).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counter SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int unchecked_lookup(void *ctx)
{
	__u32 zero = 0;
	__u64 *count = bpf_map_lookup_elem(&counter, &zero);

	*count += 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
