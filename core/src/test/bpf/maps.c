// BTF-defined maps in ".maps": several types, pinning by name, a map-in-map and a prog array with initial values
// (both relocated through ".rel.maps"), and a program referencing maps (ld_imm64 relocations in its section).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} per_cpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 128);
	__type(key, __u64);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pinned_lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct inner_array {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} inner SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner_array);
} outer SEC(".maps") = {
	.values = { [1] = &inner },
};

int tail_target(void *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, int(void *));
} jump_table SEC(".maps") = {
	.values = { [2] = (void *)&tail_target },
};

SEC("tp/syscalls/sys_enter_getpid")
int tail_target(void *ctx)
{
	return 0;
}

SEC("tp/syscalls/sys_enter_getppid")
int use_maps(void *ctx)
{
	__u32 key = 0;
	__u64 one = 1, *value;
	__u64 id = bpf_get_current_pid_tgid();

	value = bpf_map_lookup_elem(&counts, &key);
	if (value)
		__sync_fetch_and_add(value, 1);
	else
		bpf_map_update_elem(&counts, &key, &one, BPF_ANY);
	value = bpf_map_lookup_elem(&slots, &key);
	if (value)
		*value = id;
	value = bpf_map_lookup_elem(&per_cpu, &key);
	if (value)
		*value += 1;
	bpf_map_update_elem(&pinned_lru, &id, &key, BPF_ANY);
	bpf_ringbuf_output(&events, &id, sizeof(id), 0);
	if (bpf_map_lookup_elem(&outer, &key))
		bpf_tail_call(ctx, &jump_table, 2);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
