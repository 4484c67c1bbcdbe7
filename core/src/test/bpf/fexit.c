// fentry, fexit: count the getppid calls of one process through BPF trampolines on the x86-64 system call handler;
// fexit also sees the return value (the caller's parent pid).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct pt_regs;

const volatile int target_tgid;
__u64 entries;
__u64 exits;
long last_return;

SEC("fentry/__x64_sys_getppid")
int BPF_PROG(enter_getppid, const struct pt_regs *regs)
{
	if (bpf_get_current_pid_tgid() >> 32 == target_tgid)
		__sync_fetch_and_add(&entries, 1);
	return 0;
}

SEC("fexit/__x64_sys_getppid")
int BPF_PROG(exit_getppid, const struct pt_regs *regs, long ret)
{
	if (bpf_get_current_pid_tgid() >> 32 != target_tgid)
		return 0;
	__sync_fetch_and_add(&exits, 1);
	last_return = ret;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
