// Fixture of the event-counter tests: an XDP program the tests run with BPF_PROG_TEST_RUN, which submits one record
// per packet to a ring buffer and to a perf event array. The record's kind comes from the packet (after its
// 14-byte Ethernet header); records of kind 0 are reserved in the ring buffer and discarded. The kernel counts no
// failed ring buffer reservation, so the program does, in ring_full: how a full ring buffer becomes visible.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u32 pid;
	__u16 kind;
	__u16 flags;
	__u64 timestamp;
};

/* The last record emitted. Also puts struct event into the object's BTF, which record-type needs: clang emits BTF
 * only for types that globals, maps or functions refer to. */
struct event last_event;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} samples SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64); /* records the ring buffer had no room for */
} ring_full SEC(".maps");

SEC("xdp")
int emit(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u16 *kind = data + 14;
	struct event *reserved;
	struct event e = {};

	if ((void *)(kind + 1) > end)
		return XDP_PASS;
	e.pid = 42;
	e.kind = *kind;
	e.timestamp = bpf_ktime_get_ns();

	reserved = bpf_ringbuf_reserve(&ring, sizeof(*reserved), 0);
	if (reserved) {
		*reserved = e;
		if (e.kind == 0)
			bpf_ringbuf_discard(reserved, 0);
		else
			bpf_ringbuf_submit(reserved, 0);
	} else {
		__u32 zero = 0;
		__u64 *full = bpf_map_lookup_elem(&ring_full, &zero);

		if (full)
			__sync_fetch_and_add(full, 1);
	}
	bpf_perf_event_output(ctx, &samples, BPF_F_CURRENT_CPU, &e, sizeof(e));
	last_event = e;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
