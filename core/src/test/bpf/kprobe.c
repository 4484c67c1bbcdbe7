// kprobe, kretprobe: count the entries into and returns from a kernel function (the test picks it when attaching)
// by one process, and remember the last return value.
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

const volatile int target_tgid;
__u64 entries;
__u64 returns;
long last_return;

SEC("kprobe")
int count_entry(struct pt_regs *ctx)
{
	if (bpf_get_current_pid_tgid() >> 32 == target_tgid)
		__sync_fetch_and_add(&entries, 1);
	return 0;
}

SEC("kretprobe")
int count_return(struct pt_regs *ctx)
{
	if (bpf_get_current_pid_tgid() >> 32 != target_tgid)
		return 0;
	__sync_fetch_and_add(&returns, 1);
	last_return = PT_REGS_RC(ctx);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
