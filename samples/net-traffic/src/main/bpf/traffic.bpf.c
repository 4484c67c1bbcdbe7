// Packets and bytes of this application's cgroup, by IP protocol and direction, from cgroup_skb programs on
// ingress and egress. One per-CPU map with a struct value: the starter publishes each member as a meter.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

enum direction { INGRESS = 0, EGRESS = 1 };

struct traffic_key {
	__u8 protocol;   // IPPROTO_* of IPv4, next header of IPv6
	__u8 direction;  // enum direction
	__u8 family;     // 4 or 6
	__u8 pad;
};

struct traffic {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct traffic_key);
	__type(value, struct traffic);
} traffic SEC(".maps");

static __always_inline int account(struct __sk_buff *skb, enum direction direction)
{
	struct traffic_key key = { .direction = direction };
	struct traffic *value, first = { .packets = 1, .bytes = skb->len };
	__u8 protocol = 0;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		key.family = 4;
		bpf_skb_load_bytes(skb, 9, &protocol, 1);   // struct iphdr.protocol
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		key.family = 6;
		bpf_skb_load_bytes(skb, 6, &protocol, 1);   // struct ipv6hdr.nexthdr
	}
	key.protocol = protocol;
	value = bpf_map_lookup_elem(&traffic, &key);
	if (value) {
		value->packets += 1;                         // per-CPU: no other CPU writes this copy
		value->bytes += skb->len;
	} else {
		bpf_map_update_elem(&traffic, &key, &first, BPF_NOEXIST);
	}
	return 1; // allow the packet
}

SEC("cgroup_skb/ingress")
int count_ingress(struct __sk_buff *skb)
{
	return account(skb, INGRESS);
}

SEC("cgroup_skb/egress")
int count_egress(struct __sk_buff *skb)
{
	return account(skb, EGRESS);
}

char LICENSE[] SEC("license") = "GPL";
