// Fixture of the metrics, endpoint and health tests.
//  - count_syscalls counts the syscalls of one thread (target_tid) by number: a u64 -> u64 hash.
//  - observe is an XDP program the tests run with BPF_PROG_TEST_RUN: each packet carries an observation after its
//    Ethernet header; it counts packets and bytes per (port, protocol) into a struct-valued map, per CPU into an
//    array, and records the observation's latency into an exp2 histogram with ebpf_exporter's layout (bucket =
//    ceil(log2(latency)) clamped to LATENCY_MAX_BUCKET, the sum of latencies under LATENCY_MAX_BUCKET + 1).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define LATENCY_MAX_BUCKET 26

const volatile __u32 target_tid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);   /* syscall number */
	__type(value, __u64); /* calls */
} syscalls SEC(".maps");

struct packet_key {
	__u16 port;
	__u8 proto;
	/* one byte of padding */
	__u32 op;
};

struct packet_stats {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct packet_key);
	__type(value, struct packet_stats);
} packets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} packets_per_cpu SEC(".maps");

struct latency_key {
	__u32 op;
	/* four bytes of padding */
	__u64 bucket;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct latency_key);
	__type(value, __u64);
} latency SEC(".maps");

/* What a test packet carries after its 14-byte Ethernet header. */
struct observation {
	__u16 port;
	__u8 proto;
	__u8 unused;
	__u32 op;
	__u64 latency_us;
};

static __always_inline void add(void *map, void *key, __u64 increment)
{
	__u64 *value = bpf_map_lookup_elem(map, key);

	if (value) {
		__sync_fetch_and_add(value, increment);
	} else {
		bpf_map_update_elem(map, key, &increment, BPF_NOEXIST);
	}
}

SEC("raw_tracepoint/sys_enter")
int count_syscalls(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = ctx->args[1];

	if ((__u32)bpf_get_current_pid_tgid() != target_tid)
		return 0;
	add(&syscalls, &id, 1);
	return 0;
}

static __always_inline __u64 log2_floor(__u64 v)
{
	__u64 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) { r += 1; }
	return r;
}

/* ceil(log2(v)): values up to 2^i land in bucket i. */
static __always_inline __u64 exp2_bucket(__u64 v)
{
	return v <= 1 ? 0 : log2_floor(v - 1) + 1;
}

SEC("xdp")
int observe(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct observation *o = data + 14;
	struct packet_key key = {};
	struct packet_stats zero = {};
	struct packet_stats *stats;
	struct latency_key bucket = {};
	__u32 first = 0;
	__u64 *per_cpu;

	if ((void *)(o + 1) > end)
		return XDP_PASS;

	key.port = o->port;
	key.proto = o->proto;
	key.op = o->op;
	stats = bpf_map_lookup_elem(&packets, &key);
	if (!stats) {
		bpf_map_update_elem(&packets, &key, &zero, BPF_NOEXIST);
		stats = bpf_map_lookup_elem(&packets, &key);
		if (!stats)
			return XDP_PASS;
	}
	__sync_fetch_and_add(&stats->packets, 1);
	__sync_fetch_and_add(&stats->bytes, end - data);

	per_cpu = bpf_map_lookup_elem(&packets_per_cpu, &first);
	if (per_cpu)
		*per_cpu += 1;

	bucket.op = o->op;
	bucket.bucket = exp2_bucket(o->latency_us);
	if (bucket.bucket > LATENCY_MAX_BUCKET)
		bucket.bucket = LATENCY_MAX_BUCKET;
	add(&latency, &bucket, 1);
	bucket.bucket = LATENCY_MAX_BUCKET + 1;
	add(&latency, &bucket, o->latency_us);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
