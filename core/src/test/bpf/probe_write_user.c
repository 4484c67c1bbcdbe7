// bpf_probe_write_user: overwrites the first 4 bytes of a write(2) of one process, at the system call's entry
// tracepoint, before the kernel reads them. The write is recognised by its length (a test picks an unusual one).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

// The tracepoint's fields, as tracefs events/syscalls/sys_enter_write/format lists them.
struct sys_enter_write {
	__u64 common;
	int syscall_nr;
	__u64 fd;
	__u64 buf;
	__u64 count;
};

const volatile int target_tgid;
const volatile __u64 target_count;
__u64 rewritten;

SEC("tracepoint/syscalls/sys_enter_write")
int rewrite(struct sys_enter_write *ctx)
{
	char mark[4] = {'B', 'P', 'F', '!'};

	if (bpf_get_current_pid_tgid() >> 32 != target_tgid || ctx->count != target_count)
		return 0;
	if (bpf_probe_write_user((void *)ctx->buf, mark, sizeof(mark)) == 0)
		__sync_fetch_and_add(&rewritten, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
