// tp_btf: counts the execs of the children of one process through the typed arguments of the sched_process_exec
// BTF tracepoint, and remembers the last child's pid and command.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct linux_binprm;

struct task_struct {
	int tgid;
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

const volatile int parent_tgid;
__u64 execs;
int last_pid;
char last_comm[16];

SEC("tp_btf/sched_process_exec")
int BPF_PROG(count_exec, struct task_struct *task, int old_pid, struct linux_binprm *bprm)
{
	if (task->real_parent->tgid != parent_tgid)
		return 0;
	__sync_fetch_and_add(&execs, 1);
	last_pid = task->tgid;
	bpf_get_current_comm(last_comm, sizeof(last_comm));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
