// An object whose BTF the kernel rejects: a variable name longer than the kernel's KSYM_NAME_LEN (512) is not a
// valid BTF identifier. libbpf then warns and loads without BTF, which count needs nothing of; with_callback's
// bpf_loop callback does need it (the verifier wants func_info for a function's address), so it is left out by '?'.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define CAT(a, b) a##b
#define XCAT(a, b) CAT(a, b)
#define N1 a_name_of_fifty_five_characters_that_is_doubled_4_times_
#define N2 XCAT(N1, N1)
#define N4 XCAT(N2, N2)
#define N8 XCAT(N4, N4)
#define N16 XCAT(N8, N8)

__u64 N16;
__u64 hits;

SEC("syscall")
int count(void *ctx)
{
	N16 += 2;
	hits += 1;
	return 0;
}

static long add_one(__u32 index, __u64 *sum)
{
	*sum += 1;
	return 0;
}

SEC("?syscall")
int with_callback(void *ctx)
{
	bpf_loop(3, add_one, &hits, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
