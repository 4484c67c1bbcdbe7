// SPDX-License-Identifier: GPL-2.0
// CO-RE relocations of every kind clang 14 emits, resolved against vmlinux by io.ebpf4j.btf.CoreResolverTest.
// Each result lands in its own slot of `results` so that every relocation survives optimisation.

#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

// Local views of kernel types: only what is read here. CO-RE finds the real layout in vmlinux by name.
struct task_struct {
	int pid;
	int tgid;
	struct task_struct *real_parent;
	char comm[16];
	unsigned int sched_contributes_to_load : 1;
} __attribute__((preserve_access_index));

// A flavor: the ___local suffix is ignored when looking for candidates.
struct task_struct___local {
	int tgid;
} __attribute__((preserve_access_index));

// A flavor with a field the kernel does not have.
struct task_struct___old {
	int no_such_field;
} __attribute__((preserve_access_index));

struct no_such_type {
	int x;
} __attribute__((preserve_access_index));

enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID, PIDTYPE_SID, PIDTYPE_MAX };
enum pid_type___missing { PIDTYPE_NONEXISTENT = 7 };

long results[20];

SEC("tp_btf/sched_process_exec")
int core_reads(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct task_struct___local *local = (void *)task;
	struct task_struct___old *old = (void *)task;
	char c = 0;

	results[0] = BPF_CORE_READ(task, tgid);
	results[1] = BPF_CORE_READ(task, real_parent, pid);
	bpf_core_read(&c, 1, &task->comm[2]);
	results[2] = c;
	results[3] = bpf_core_field_exists(task->pid);
	results[4] = bpf_core_field_size(task->comm);
	results[5] = BPF_CORE_READ_BITFIELD_PROBED(task, sched_contributes_to_load);
	results[6] = BPF_CORE_READ(local, tgid);
	results[7] = bpf_core_field_exists(old->no_such_field);
	results[8] = bpf_core_type_exists(struct task_struct);
	results[9] = bpf_core_type_exists(struct no_such_type);
	results[10] = bpf_core_type_size(struct task_struct);
	results[11] = bpf_core_type_id_kernel(struct task_struct);
	results[12] = bpf_core_type_id_local(struct task_struct);
	results[13] = bpf_core_enum_value_exists(enum pid_type, PIDTYPE_TGID);
	results[14] = bpf_core_enum_value(enum pid_type, PIDTYPE_SID);
	results[15] = bpf_core_enum_value_exists(enum pid_type___missing, PIDTYPE_NONEXISTENT);
	if (bpf_core_field_exists(old->no_such_field))
		results[16] = BPF_CORE_READ(old, no_such_field);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
