// Section names libbpf does not know (ebpf_exporter teaches them with libbpf_register_prog_handler): libbpf opens
// such programs with an unspecified type that the application sets before loading.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp/lo")
int xdp_on_lo(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("perf_event/type=0,config=3,frequency=1")
int sample(void *ctx)
{
	return 0;
}

SEC("sk_skb1")
int skb_verdict(struct __sk_buff *skb)
{
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
