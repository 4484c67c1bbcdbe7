/**
 * The public face of ebpf4j: specifications and the kernel objects made from them.
 *
 * <p>{@link io.ebpf4j.CollectionSpec#load(java.nio.file.Path)} reads an ELF object that clang built for BPF (libbpf's
 * conventions: section names, {@code .maps}, global data, externs, BTF and CO-RE) into plain, editable
 * specifications: {@link io.ebpf4j.ProgramSpec}, {@link io.ebpf4j.MapSpec}, {@link io.ebpf4j.VariableSpec}. Nothing
 * there needs privileges. {@link io.ebpf4j.BpfCollection#load(io.ebpf4j.CollectionSpec)} turns a specification into
 * kernel objects, {@link io.ebpf4j.BpfMap} and {@link io.ebpf4j.BpfProgram}, which own file descriptors and are
 * closed by their owner. Attaching them to hooks is {@link io.ebpf4j.link}'s.
 *
 * <p>Errors are unchecked {@link io.ebpf4j.BpfException}s: {@link io.ebpf4j.NotSupportedException} when the kernel
 * lacks a feature, {@link io.ebpf4j.VerifierException} with the verifier's log,
 * {@link io.ebpf4j.BpfPermissionException} naming the missing capability, and format exceptions for malformed
 * objects.
 */
package io.ebpf4j;
