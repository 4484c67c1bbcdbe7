// fentry, fexit: count the calls of bpf_fentry_test1 made by one process through BPF trampolines; fexit also sees
// the argument and the result. The kernel calls bpf_fentry_test1(1), which returns 2, when a process test-runs a
// tracing program (BPF_PROG_TEST_RUN), so a test decides exactly how often the hooks fire.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

const volatile int target_tgid;
__u64 entries;
__u64 exits;
int last_argument;
int last_return;

SEC("fentry/bpf_fentry_test1")
int BPF_PROG(enter_test1, int a)
{
	if (bpf_get_current_pid_tgid() >> 32 == target_tgid)
		__sync_fetch_and_add(&entries, 1);
	return 0;
}

SEC("fexit/bpf_fentry_test1")
int BPF_PROG(exit_test1, int a, int ret)
{
	if (bpf_get_current_pid_tgid() >> 32 != target_tgid)
		return 0;
	__sync_fetch_and_add(&exits, 1);
	last_argument = a;
	last_return = ret;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
