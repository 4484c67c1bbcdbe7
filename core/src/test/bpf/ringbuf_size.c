// A ring buffer declared with a size that is not a power-of-two multiple of the page size: libbpf rounds it up.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1000);
} events SEC(".maps");

SEC("syscall")
int send_event(void *ctx)
{
	__u64 value = 42;

	bpf_ringbuf_output(&events, &value, sizeof(value), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
