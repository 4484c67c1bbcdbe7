// A typical small observability object for the spec/load benchmarks: five programs, four maps, globals, BTF.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} histogram SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} starts SEC(".maps");

const volatile __u32 target_pid = 0;
__u64 dropped = 0;

static __always_inline int filtered(void)
{
	return target_pid && (bpf_get_current_pid_tgid() >> 32) != target_pid;
}

static __always_inline void bump(__u64 key)
{
	__u64 one = 1, *value = bpf_map_lookup_elem(&counts, &key);

	if (value)
		__sync_fetch_and_add(value, 1);
	else
		bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
}

SEC("tracepoint/raw_syscalls/sys_enter")
int on_enter(void *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();

	if (filtered())
		return 0;
	bpf_map_update_elem(&starts, &tid, &now, BPF_ANY);
	bump(1);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int on_exit(void *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *start = bpf_map_lookup_elem(&starts, &tid);
	__u32 bucket = 0;
	__u64 delta, *slot;

	if (!start)
		return 0;
	delta = (bpf_ktime_get_ns() - *start) / 1000;
	bpf_map_delete_elem(&starts, &tid);
	while (delta > 1 && bucket < 63) {
		delta >>= 1;
		bucket++;
	}
	slot = bpf_map_lookup_elem(&histogram, &bucket);
	if (slot)
		*slot += 1;
	return 0;
}

SEC("tracepoint/sched/sched_process_exec")
int on_exec(void *ctx)
{
	__u64 *record = bpf_ringbuf_reserve(&events, sizeof(__u64), 0);

	if (!record) {
		__sync_fetch_and_add(&dropped, 1);
		return 0;
	}
	*record = bpf_get_current_pid_tgid();
	bpf_ringbuf_submit(record, 0);
	return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int on_process_exit(void *ctx)
{
	bump(2);
	return 0;
}

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	bump(3);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
