/**
 * BPF instructions: {@link io.ebpf4j.asm.Instruction} (opcode, registers, offset, constant and the symbol and
 * reference metadata the loader resolves), {@link io.ebpf4j.asm.Instructions} (a program's instruction list, its
 * encoding in either byte order, and a builder with labels for hand-written programs) and readable disassembly.
 */
package io.ebpf4j.asm;
