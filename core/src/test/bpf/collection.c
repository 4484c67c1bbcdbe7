// A collection exercising what a loader must resolve, built to run through BPF_PROG_TEST_RUN: globals in every
// data section, a pinned-by-name map, a map-in-map, a tail call through a prog array, subprograms and a bpf_loop
// callback (run_xdp); kfuncs, CO-RE reads of task_struct and kconfig externs (run_syscall).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

// Only the fields read, relocated against the running kernel's BTF (CO-RE).
struct task_struct {
	int pid;
	int tgid;
	char comm[16];
} __attribute__((preserve_access_index));

extern struct task_struct *bpf_task_from_pid(int pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern _Bool CONFIG_BPF_SYSCALL __kconfig;
extern int CONFIG_DOES_NOT_EXIST __kconfig __weak;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} persistent SEC(".maps");

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} inner SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer SEC(".maps") = {
	.values = { [0] = &inner },
};

int tail(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, int(struct xdp_md *));
} jumps SEC(".maps") = {
	.values = { [1] = (void *)&tail },
};

const volatile __u32 increment = 1;          // .rodata: set before loading
__u64 runs = 0;                              // .data
__u64 loop_sum;                              // .bss
__u64 tail_runs;                             // .bss
__u32 scaled SEC(".data.custom") = 0;        // custom data section
__s32 task_tgid;                             // .bss: written by run_syscall
char task_comm[16];
__u32 kernel_version;
__u32 bpf_syscall_config;
__s32 missing_config;

static __noinline __u64 twice(__u64 x)
{
	return x * 2;
}

__noinline int scale(int x)
{
	return x * 3;
}

static long add_index(__u32 index, void *data)
{
	*(__u64 *)data += index;
	return 0;
}

SEC("xdp")
int run_xdp(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 one = 1, *value, *inner_value;
	void *inner_map;
	__u64 sum = 0;

	runs += increment;
	value = bpf_map_lookup_elem(&persistent, &key);
	if (value)
		__sync_fetch_and_add(value, twice(increment) / 2);
	else
		bpf_map_update_elem(&persistent, &key, &one, BPF_ANY);
	inner_map = bpf_map_lookup_elem(&outer, &key);
	if (inner_map) {
		inner_value = bpf_map_lookup_elem(inner_map, &key);
		if (inner_value)
			__sync_fetch_and_add(inner_value, 1);
	}
	bpf_loop(5, add_index, &sum, 0);
	loop_sum = sum;
	scaled = scale(increment);
	bpf_tail_call(ctx, &jumps, 1);
	return XDP_ABORTED; // not reached when the tail call works
}

SEC("xdp")
int tail(struct xdp_md *ctx)
{
	tail_runs++;
	return XDP_PASS;
}

struct syscall_args {
	int pid;
};

SEC("syscall")
int run_syscall(struct syscall_args *args)
{
	struct task_struct *task = bpf_task_from_pid(args->pid);

	kernel_version = LINUX_KERNEL_VERSION;
	bpf_syscall_config = CONFIG_BPF_SYSCALL;
	missing_config = CONFIG_DOES_NOT_EXIST;
	if (!task)
		return -1;
	task_tgid = BPF_CORE_READ(task, tgid);
	BPF_CORE_READ_STR_INTO(&task_comm, task, comm);
	bpf_task_release(task);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
