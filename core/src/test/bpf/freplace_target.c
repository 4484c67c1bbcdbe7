// freplace target: an XDP program whose verdict comes from a global function, which a freplace program
// (freplace.c) can replace while the program stays attached.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__attribute__((noinline)) int verdict(struct xdp_md *ctx)
{
	return ctx ? XDP_PASS : XDP_ABORTED;
}

SEC("xdp")
int decide(struct xdp_md *ctx)
{
	return verdict(ctx);
}

char LICENSE[] SEC("license") = "GPL";
