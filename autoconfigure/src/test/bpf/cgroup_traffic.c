// Counts the packets and bytes that sockets of a cgroup send (egress) and receive (ingress); lets them all through.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct traffic {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32); /* 0 ingress, 1 egress */
	__type(value, struct traffic);
} traffic SEC(".maps");

static __always_inline int count(struct __sk_buff *skb, __u32 direction)
{
	struct traffic *t = bpf_map_lookup_elem(&traffic, &direction);

	if (t) {
		__sync_fetch_and_add(&t->packets, 1);
		__sync_fetch_and_add(&t->bytes, skb->len);
	}
	return 1;
}

SEC("cgroup_skb/ingress")
int count_ingress(struct __sk_buff *skb)
{
	return count(skb, 0);
}

SEC("cgroup_skb/egress")
int count_egress(struct __sk_buff *skb)
{
	return count(skb, 1);
}

char LICENSE[] SEC("license") = "GPL";
