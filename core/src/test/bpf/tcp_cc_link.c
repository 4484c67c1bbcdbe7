// The congestion control of tcp_cc.c as a SEC(".struct_ops.link") map: created with BPF_F_LINK, its value is only
// stored by the map update, and a bpf_link registers it.
#define CC ebpf4j_cc_link
#define CC_SECTION ".struct_ops.link"
#include "tcp_cc.c"
