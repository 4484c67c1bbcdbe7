// A USDT program reading its arguments with libbpf's bpf_usdt_arg() (usdt.bpf.h, whose helpers are __weak __hidden
// functions), for probe_target's ebpf4j:tick probe: the first argument lives in a register, the second in memory.
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

__u64 calls;
__u64 value_sum;
__u64 doubled_sum;
__u64 cookie_sum;

SEC("usdt")
int tick(struct pt_regs *ctx)
{
	long value = 0, doubled = 0;

	if (bpf_usdt_arg_cnt(ctx) != 2)
		return 0;
	if (bpf_usdt_arg(ctx, 0, &value) || bpf_usdt_arg(ctx, 1, &doubled))
		return 0;
	__sync_fetch_and_add(&calls, 1);
	__sync_fetch_and_add(&value_sum, value);
	__sync_fetch_and_add(&doubled_sum, doubled);
	__sync_fetch_and_add(&cookie_sum, bpf_usdt_cookie(ctx));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
