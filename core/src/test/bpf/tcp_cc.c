// A reno-like TCP congestion control registered by updating its struct_ops map (SEC(".struct_ops")): the kernel's
// reno kfuncs do the work and .init counts the connections that start with it. tcp_cc_link.c builds the same
// congestion control under another name as a SEC(".struct_ops.link") map, registered through a bpf_link.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#ifndef CC
#define CC ebpf4j_cc
#define CC_SECTION ".struct_ops"
#endif
#define STRINGIFY(x) #x
#define NAME_OF(x) STRINGIFY(x)

// Defined rather than declared: libbpf only matches kfunc arguments of the same BTF kind (struct, not fwd).
struct sock {};

// A subset of the kernel's struct, in another order: the loader matches members by name. release stays NULL.
struct tcp_congestion_ops {
	char name[16];
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 (*undo_cwnd)(struct sock *sk);
	void (*init)(struct sock *sk);
	void (*release)(struct sock *sk);
};

extern __u32 tcp_reno_ssthresh(struct sock *sk) __ksym;
extern void tcp_reno_cong_avoid(struct sock *sk, __u32 ack, __u32 acked) __ksym;
extern __u32 tcp_reno_undo_cwnd(struct sock *sk) __ksym;

__u64 init_calls;

SEC("struct_ops/cc_init")
void BPF_PROG(cc_init, struct sock *sk)
{
	__sync_fetch_and_add(&init_calls, 1);
}

SEC("struct_ops/cc_ssthresh")
__u32 BPF_PROG(cc_ssthresh, struct sock *sk)
{
	return tcp_reno_ssthresh(sk);
}

SEC("struct_ops/cc_cong_avoid")
void BPF_PROG(cc_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	tcp_reno_cong_avoid(sk, ack, acked);
}

SEC("struct_ops/cc_undo_cwnd")
__u32 BPF_PROG(cc_undo_cwnd, struct sock *sk)
{
	return tcp_reno_undo_cwnd(sk);
}

SEC(CC_SECTION)
struct tcp_congestion_ops CC = {
	.init = (void *)cc_init,
	.ssthresh = (void *)cc_ssthresh,
	.cong_avoid = (void *)cc_cong_avoid,
	.undo_cwnd = (void *)cc_undo_cwnd,
	.name = NAME_OF(CC),
};

char LICENSE[] SEC("license") = "GPL";
