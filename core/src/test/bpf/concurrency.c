// Writes checksummed values into a hash map shared with Java threads, for the concurrency tests: each run bumps
// one of the first 64 keys; every value satisfies check == key ^ count ^ SEAL.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define SEAL 0x5ea15ea15ea15ea1ULL

struct sealed {
	__u64 count;
	__u64 check;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct sealed);
} shared SEC(".maps");

SEC("xdp")
int bump(struct xdp_md *ctx)
{
	__u64 key = bpf_get_prandom_u32() % 64;
	struct sealed next = {}, *current = bpf_map_lookup_elem(&shared, &key);

	next.count = current ? current->count + 1 : 1;
	next.check = key ^ next.count ^ SEAL;
	bpf_map_update_elem(&shared, &key, &next, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
