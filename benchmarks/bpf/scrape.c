// The map MetricsScrapeBenchmark scrapes: 10,000 keys of two u32 labels, u64 values. The benchmark fills it from
// user space; the program only keeps the object a normal collection.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flow_key {
	__u32 tenant;
	__u32 endpoint;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10000);
	__type(key, struct flow_key);
	__type(value, __u64);
} requests SEC(".maps");

SEC("xdp")
int count_requests(struct xdp_md *ctx)
{
	struct flow_key key = {};
	__u64 one = 1;

	bpf_map_update_elem(&requests, &key, &one, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
