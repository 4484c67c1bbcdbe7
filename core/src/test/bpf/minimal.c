// The smallest useful object: one tracepoint program and a license.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_openat")
int count_openat(void *ctx)
{
	return bpf_get_current_pid_tgid() == 0;
}

char LICENSE[] SEC("license") = "GPL";
