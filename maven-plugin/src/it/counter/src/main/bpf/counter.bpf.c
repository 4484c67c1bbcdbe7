// Counts executions per user: a struct key, a struct value, a constant set from Java, a global read from Java.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "counter.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct exec_key);
	__type(value, struct exec_stats);
} execs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

// clang emits BTF only for the types of maps, globals and function signatures: this puts the event type there.
struct exec_event *unused_exec_event __attribute__((unused));

const volatile __u32 only_uid = 0;
__u64 total = 0;

SEC("tracepoint/sched/sched_process_exec")
int count_exec(void *ctx)
{
	struct exec_key key = { .uid = (__u32)bpf_get_current_uid_gid(), .kind = KIND_EXEC };
	struct exec_stats init = {}, *stats;
	struct exec_event *event;

	if (key.uid != only_uid)
		return 0;
	__sync_fetch_and_add(&total, 1);
	stats = bpf_map_lookup_elem(&execs, &key);
	if (!stats) {
		bpf_map_update_elem(&execs, &key, &init, BPF_NOEXIST);
		stats = bpf_map_lookup_elem(&execs, &key);
		if (!stats)
			return 0;
	}
	__sync_fetch_and_add(&stats->count, 1);
	stats->last_pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(stats->last_comm, sizeof(stats->last_comm));
	event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
	if (event) {
		event->pid = stats->last_pid;
		bpf_get_current_comm(event->comm, sizeof(event->comm));
		bpf_ringbuf_submit(event, 0);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
