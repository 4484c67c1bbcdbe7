/**
 * BPF instructions: {@link io.ebpf4j.asm.Instruction} (opcode, registers, offset, constant and the symbol and
 * reference metadata the loader resolves), {@link io.ebpf4j.asm.Instructions} (a program's instruction list, its
 * encoding in either byte order, and a builder with labels for hand-written programs) and readable disassembly.
 *
 * <p>ALU instructions and conditional jumps are made by their operation, in either width and with either kind of
 * source: {@code AluOp.ADD.imm(R2, -4)} ({@code r2 += -4}), {@code AluOp.MOV.reg32(R0, R1)} ({@code w0 = w1}),
 * {@code JumpOp.JEQ.imm(R0, 0, "miss")} ({@code if r0 == 0 goto miss}); the builder appends them
 * ({@code builder.append(AluOp.LSH.imm(R1, 3))}) and makes the other instructions (memory, atomics, 64-bit
 * immediates, calls, unconditional jumps, exit) itself.
 */
package io.ebpf4j.asm;
