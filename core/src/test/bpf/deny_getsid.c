// fmod_ret and BPF LSM: make getsid(2) fail with EPERM for one process and count the refusals, once by replacing
// the return value of security_task_getsid (fmod_ret: a non-zero return skips the function), once as an LSM hook.
// getsid is harmless to deny and rarely called by anything else.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define EPERM 1

struct task_struct;

const volatile int target_tgid;
__u64 denied;

static __always_inline int deny_target(void)
{
	if (bpf_get_current_pid_tgid() >> 32 != target_tgid)
		return 0;
	__sync_fetch_and_add(&denied, 1);
	return -EPERM;
}

SEC("fmod_ret/security_task_getsid")
int BPF_PROG(fmod_ret_getsid, struct task_struct *p, int ret)
{
	return deny_target();
}

SEC("lsm/task_getsid")
int BPF_PROG(lsm_getsid, struct task_struct *p, int ret)
{
	if (ret != 0)
		return ret;
	return deny_target();
}

char LICENSE[] SEC("license") = "GPL";
