// Programs attached by BpfCollection.attach() from their section names, as libbpf's skeleton attach does (the
// uprobe in every process, libc found as the dynamic linker finds it), and
// programs it leaves alone: an XDP program (the interface is the application's) and a bare kprobe (no function).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tgid = 0;
__u64 getpid_calls;
__u64 raw_syscalls;
__u64 libc_getpid_calls;

SEC("tracepoint/syscalls/sys_enter_getpid")
int on_getpid(void *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) == target_tgid)
		__sync_fetch_and_add(&getpid_calls, 1);
	return 0;
}

SEC("raw_tp/sys_enter")
int on_sys_enter(void *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) == target_tgid)
		__sync_fetch_and_add(&raw_syscalls, 1);
	return 0;
}

SEC("uprobe/libc.so.6:getpid")
int on_libc_getpid(void *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) == target_tgid)
		__sync_fetch_and_add(&libc_getpid_calls, 1);
	return 0;
}

SEC("xdp")
int left_alone(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("kprobe")
int no_function(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
