// Map types whose creation refuses BTF key/value types, declared the way most programs in the wild declare them:
// with __type(key, ...) and __type(value, ...). libbpf creates them without BTF ids.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__type(key, int);
	__type(value, __u32);
} perf_buf_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64[127]);
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 2);
	__type(key, int);
	__type(value, int);
} sock_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, 2);
	__type(key, int);
	__type(value, int);
} sock_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 4);
	__type(value, __u64);
} queue SEC(".maps");

// Sends the packet's length to user space through the perf buffer.
SEC("xdp")
int send_length(struct xdp_md *ctx)
{
	__u64 length = ctx->data_end - ctx->data;

	bpf_perf_event_output(ctx, &perf_buf_map, BPF_F_CURRENT_CPU, &length, sizeof(length));
	bpf_map_push_elem(&queue, &length, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
