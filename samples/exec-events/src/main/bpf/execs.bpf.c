// One ring buffer record per process execution (sched_process_exec): process id, user id, command and the file executed.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define FILENAME_LEN 128

// The layout of sched/sched_process_exec (see /sys/kernel/tracing/events/sched/sched_process_exec/format).
struct sched_process_exec_args {
	__u64 common;
	__u32 filename_loc; // __data_loc char[]: offset in the low 16 bits, length in the high 16 bits
	int pid;
	int old_pid;
};

struct exec_event {
	__u32 pid;
	__u32 uid;
	char comm[16];
	char filename[FILENAME_LEN];
};

// Puts struct exec_event into the object's BTF, where the starter (record-type) and the application (its decoder)
// look it up: clang emits BTF only for the types of globals, maps and function signatures.
struct exec_event *unused_exec_event __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} execs SEC(".maps");

__u64 dropped = 0; // records that did not fit in the ring buffer

SEC("tracepoint/sched/sched_process_exec")
int on_exec(struct sched_process_exec_args *ctx)
{
	struct exec_event *event = bpf_ringbuf_reserve(&execs, sizeof(*event), 0);

	if (!event) {
		__sync_fetch_and_add(&dropped, 1);
		return 0;
	}
	event->pid = ctx->pid;
	event->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(event->comm, sizeof(event->comm));
	bpf_probe_read_kernel_str(event->filename, sizeof(event->filename),
				  (void *)ctx + (ctx->filename_loc & 0xffff));
	bpf_ringbuf_submit(event, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
