// __weak kconfig externs the kernel's configuration does not know read as zero (libbpf's semantics), both a
// LINUX_* name libbpf does not define and a CONFIG_* option this kernel lacks.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int LINUX_UNKNOWN_VIRTUAL_EXTERN __kconfig __weak;
extern int CONFIG_EBPF4J_NO_SUCH_OPTION __kconfig __weak;
extern _Bool CONFIG_BPF_SYSCALL __kconfig;

long unknown_virtual = -1;
long unknown_option = -1;
long bpf_syscall = -1;

SEC("syscall")
int read_config(void *ctx)
{
	unknown_virtual = LINUX_UNKNOWN_VIRTUAL_EXTERN;
	unknown_option = CONFIG_EBPF4J_NO_SUCH_OPTION;
	bpf_syscall = CONFIG_BPF_SYSCALL;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
