/**
 * Attaching programs to kernel hooks. {@link io.ebpf4j.link.Links} is the public face, one factory per hook
 * (tracepoints, BTF tracing, kprobes, uprobes and USDT, cgroups, network hooks, perf events, iterators, struct_ops,
 * sockets); each returns a {@link io.ebpf4j.link.BpfLink} whose {@code close()} detaches. Where the kernel has no
 * {@code bpf_link} for a hook, the older way is taken (the perf event ioctl, {@code BPF_PROG_ATTACH}, netlink for
 * XDP and TC) and the operations only links have say so.
 *
 * <p>Each hook's code lives in a package-private class of its own, as cilium's {@code link/kprobe.go} and
 * {@code link/xdp.go} do: {@code Tracing}, {@code Kprobes}, {@code Uprobes} and {@code Usdt}, {@code PerfCounters},
 * {@code Iterators}, {@code Cgroups}, {@code Netns}, {@code Xdp}, {@code TrafficControl}, {@code Netfilter},
 * {@code StructOpsLink}, {@code SocketFilterLink}; {@code Queries} lists what is attached. What they share
 * (creating a link, the errors of attaching, checks of the program) is in {@code Attachments}; the link kinds
 * ({@code FdLink}, {@code PerfEventLink}, the netlink and {@code BPF_PROG_ATTACH} links) are the handles they return.
 */
package io.ebpf4j.link;
