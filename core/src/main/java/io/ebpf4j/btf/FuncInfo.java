package io.ebpf4j.btf;

import java.util.Objects;

/**
 * A {@code bpf_func_info} record of {@code .BTF.ext}: the function that starts at an instruction.
 *
 * @param insnOffset byte offset of the function's first instruction, relative to the start of the ELF section in
 *     {@code .BTF.ext} and to the start of the program once the loader has placed it
 */
public record FuncInfo(int insnOffset, Func func) {
    public FuncInfo {
        Objects.requireNonNull(func, "func");
    }

    /** Index of the first instruction ({@link #insnOffset()} / 8). */
    public int instruction() {
        return insnOffset / 8;
    }

    /** The same record at another offset, e.g. where the loader placed a subprogram. */
    public FuncInfo withInsnOffset(int newOffset) {
        return new FuncInfo(newOffset, func);
    }
}
