// A __weak __hidden global function, as libbpf's usdt.bpf.h declares bpf_usdt_arg: libbpf turns the BTF linkage of
// hidden functions into static, so the verifier checks them with their caller. Verified alone, as a global
// function, set_zero would be rejected: its pointer argument may be NULL.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

long result = -1;

__weak __hidden int set_zero(long *res)
{
	*res = 0;
	return 0;
}

__hidden int add_one(long *res)
{
	*res += 1;
	return 0;
}

SEC("syscall")
int call_hidden(void *ctx)
{
	long v = 41;

	set_zero(&v);
	add_one(&v);
	result = v;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
