// Programs under assorted libbpf section names, including a non-autoloaded "?" one and sleepable ".s" ones.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp.frags")
int xdp_frags_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("tc")
int tc_ok(struct __sk_buff *skb)
{
	return 0;
}

SEC("cgroup_skb/ingress")
int cgroup_ingress(struct __sk_buff *skb)
{
	return 1;
}

SEC("cgroup/connect4")
int connect4(struct bpf_sock_addr *ctx)
{
	return 1;
}

SEC("socket")
int socket_filter(struct __sk_buff *skb)
{
	return skb->len;
}

SEC("?tp/syscalls/sys_enter_getpid")
int not_autoloaded(void *ctx)
{
	return 0;
}

SEC("raw_tp/sys_enter")
int raw_enter(void *ctx)
{
	return 0;
}

SEC("uprobe.s//proc/self/exe:probe_target")
int sleepable_uprobe(void *ctx)
{
	return 0;
}

SEC("fentry.s/do_sys_openat2")
int sleepable_fentry(void *ctx)
{
	return 0;
}

SEC("kretprobe/do_sys_openat2")
int open_return(void *ctx)
{
	return 0;
}

SEC("iter/task")
int dump_task(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
