/**
 * A bounds-checked reader for ELF64 files, used by the loader to read BPF objects and by the uprobe/USDT support to
 * read executables and shared libraries.
 *
 * <p><strong>Internal package, not public API:</strong> its types may change in any release without notice. The
 * public way to read a BPF object is {@code io.ebpf4j.CollectionSpec}.
 *
 * <p>{@link io.ebpf4j.internal.elf.ElfFile#parse(byte[])} validates every offset, size, index and count against the
 * file before using it and reports problems as {@link io.ebpf4j.ElfFormatException} naming the field and its byte
 * offset. {@link io.ebpf4j.internal.elf.SectionDefinitions} maps program section names to program and attach types
 * following libbpf's conventions.
 */
package io.ebpf4j.internal.elf;
