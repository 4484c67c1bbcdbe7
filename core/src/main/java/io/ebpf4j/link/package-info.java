/**
 * Attaching programs to kernel hooks. {@link io.ebpf4j.link.Links} has one factory per hook (tracepoints, BTF
 * tracing, kprobes, uprobes and USDT, cgroups, network hooks, perf events, iterators, struct_ops, sockets);
 * each returns a {@link io.ebpf4j.link.BpfLink} whose {@code close()} detaches. Where the kernel has no
 * {@code bpf_link} for a hook, the older way is taken (the perf event ioctl, {@code BPF_PROG_ATTACH}, netlink for
 * XDP and TC) and the operations only links have say so.
 */
package io.ebpf4j.link;
