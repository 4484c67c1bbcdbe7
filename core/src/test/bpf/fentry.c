// fentry: counts openat2 calls through a BPF trampoline, for kernels that have them (some refuse them with EPERM).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u64 opens;

SEC("fentry/do_sys_openat2")
int BPF_PROG(count_openat2, int dfd, const char *filename)
{
	__sync_fetch_and_add(&opens, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
