/**
 * BPF Type Format: the type information of BPF objects and of the kernel.
 *
 * <ul>
 *   <li>{@link io.ebpf4j.btf.Type} and its one-class-per-kind hierarchy model BTF types as a (possibly cyclic)
 *   object graph; {@link io.ebpf4j.btf.Types} answers questions about it (sizes, members, C declarations).</li>
 *   <li>{@link io.ebpf4j.btf.Spec} parses BTF blobs ({@code .BTF} sections, {@code /sys/kernel/btf/*}) and inflates
 *   types on demand; {@link io.ebpf4j.btf.RawType} reads a type's record without inflating anything, for walks over
 *   many types (all of vmlinux) at libbpf's cost.</li>
 *   <li>{@link io.ebpf4j.btf.Builder} writes types back to the wire format, sanitised for older kernels, and
 *   {@link io.ebpf4j.btf.Handle} loads the result into the kernel.</li>
 *   <li>{@link io.ebpf4j.btf.ExtInfo} parses {@code .BTF.ext} (function, line and CO-RE records);
 *   {@link io.ebpf4j.btf.CoreResolver} computes CO-RE relocations against the kernel's BTF as libbpf does.</li>
 * </ul>
 */
package io.ebpf4j.btf;
