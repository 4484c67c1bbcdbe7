// Constants of several types, set from ebpf.collections.<name>.constants before loading.
#include <linux/bpf.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>

const volatile __u8 small = 0;
const volatile __s32 delta = 0;
const volatile __u64 address = 0;
const volatile bool enabled = false;
const volatile __u32 target_pid = 0;
const volatile char comm[16] = "";

SEC("tracepoint/syscalls/sys_enter_getpid")
int use_constants(void *ctx)
{
	if (!enabled || (bpf_get_current_pid_tgid() >> 32) != target_pid)
		return 0;
	return small + delta + (address != 0) + comm[0];
}

char LICENSE[] SEC("license") = "GPL";
