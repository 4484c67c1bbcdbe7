// The other half of linked.bpf.o: see a.c.
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

static __u64 runs; // behind a.c's variables in the linked .bss: its DATASEC offset is not its offset in b.bpf.o
__u64 result_b;
__u64 value_sum_b;

static __noinline int subprog(int x)
{
	return x + 100;
}

SEC("syscall")
int run_b(void *ctx)
{
	runs += subprog(runs == 0 ? 0 : 1000);
	result_b = runs;
	return 0;
}

SEC("usdt")
int tick_b(struct pt_regs *ctx)
{
	long value;

	if (!bpf_usdt_arg(ctx, 0, &value))
		__sync_fetch_and_add(&value_sum_b, value);
	return 0;
}
