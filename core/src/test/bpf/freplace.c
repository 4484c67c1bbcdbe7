// freplace: replaces the global function verdict of freplace_target.c's program; drops every packet and counts.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 replaced;

SEC("freplace/verdict")
int drop_all(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&replaced, 1);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
