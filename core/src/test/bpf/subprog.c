// Subprograms in .text called from two programs (bpf-to-bpf call relocations): a static __noinline function,
// a global function, and a bpf_loop callback (a function pointer relocation).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct loop_ctx {
	__u64 sum;
};

static __noinline __u64 add(__u64 a, __u64 b)
{
	return a + b;
}

__noinline int global_scale(int x)
{
	return x * 3;
}

static long sum_step(__u32 index, void *data)
{
	struct loop_ctx *lc = data;

	lc->sum = add(lc->sum, index);
	return 0;
}

SEC("tp/syscalls/sys_enter_read")
int first(void *ctx)
{
	struct loop_ctx lc = {};

	bpf_loop(8, sum_step, &lc, 0);
	return add(lc.sum, 1) > 100;
}

SEC("tp/syscalls/sys_enter_close")
int second(void *ctx)
{
	return global_scale((int)add(bpf_get_prandom_u32(), 2)) > 0;
}

char LICENSE[] SEC("license") = "GPL";
