// Half of linked.bpf.o (bpftool gen object linked.bpf.o a.bpf.o b.bpf.o): b.c has a static function and a static
// variable of the same names, and includes usdt.bpf.h too, so the linked object holds its __weak __hidden helpers
// twice, one copy kept by the linker.
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

static __u64 runs;
__u64 result_a;
__u64 value_sum_a;

static __noinline int subprog(int x)
{
	return x + 1;
}

SEC("syscall")
int run_a(void *ctx)
{
	runs += subprog(runs == 0 ? 0 : 10);
	result_a = runs;
	return 0;
}

SEC("usdt")
int tick_a(struct pt_regs *ctx)
{
	long value;

	if (!bpf_usdt_arg(ctx, 0, &value))
		__sync_fetch_and_add(&value_sum_a, value);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
