// SPDX-License-Identifier: GPL-2.0
// One of each BTF kind clang emits, for the BTF parser tests (io.ebpf4j.btf.FixtureSpecTest).
// Line numbers matter: ExtInfoTest compares line_info records with this file's lines.

#define SEC(name) __attribute__((section(name), used))
#define __tag(x) __attribute__((btf_decl_tag(x)))
#define __user __attribute__((btf_type_tag("user")))

typedef unsigned int u32;
typedef unsigned long long u64;

enum color { RED, GREEN = 5, BLUE = -1 };

struct point {
	int x;
	int y;
};

union value {
	int i;
	float f;
	double d;
};

struct forward_only;

struct node {
	struct node *next;
	const char *name;
	volatile int counter;
	unsigned int flags : 3;
	unsigned int kind : 5;
	union value v;
	struct {
		long a;
		long b;
	};
	struct point points[4];
	int (*callback)(int, struct point *);
	char __user *user_data;
	_Bool valid;
	u64 stamp __tag("stamp_tag");
	struct forward_only *opaque;
	char tail[];
} __tag("node_tag");

struct node global_node;
int counter = 1;
const volatile u32 config = 42;
enum color favourite = GREEN;
double ratio = 0.5;
float scale;

__tag("add_tag") static __attribute__((noinline)) int add(int a, int b)
{
	return a + b + counter;
}

SEC("socket")
int prog(void *ctx)
{
	struct node *n = &global_node;

	n->counter++;
	return add(n->counter, config) + favourite;
}

char LICENSE[] SEC("license") = "GPL";
