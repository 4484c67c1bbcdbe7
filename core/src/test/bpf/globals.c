// Global variables in every data section kind: .data, .bss, .rodata (const and const volatile), and custom
// .data.custom / .rodata.custom sections, each becoming its own map in libbpf; plus a hidden-visibility global,
// which libbpf treats like a static one.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 data_counter = 7;                                 // .data
__u64 bss_total;                                        // .bss
static __u32 bss_static_hits;                           // .bss, local symbol
__hidden __u32 hidden_hits;                             // .bss, global binding, STV_HIDDEN
const volatile __u32 target_pid = 0;                    // .rodata, set by the loader before load
const volatile __u64 threshold = 100;                   // .rodata
__u32 custom_value SEC(".data.custom") = 42;            // custom data section
const volatile __u32 custom_limit SEC(".rodata.custom") = 5;

SEC("tp/syscalls/sys_enter_write")
int use_globals(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (target_pid && pid != target_pid)
		return 0;
	bss_static_hits++;
	hidden_hits++;
	bss_total += data_counter;
	if (bss_total > threshold)
		custom_value += custom_limit;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
