#include <linux/types.h>

#define COMM_LEN 16

enum kind { KIND_EXEC = 1, KIND_OTHER = 2 };

struct exec_key {
	__u32 uid;
	enum kind kind;
};

struct exec_stats {
	__u64 count;
	char last_comm[COMM_LEN];
	__u32 last_pid;
};

struct exec_event {
	__u32 pid;
	char comm[COMM_LEN];
};
