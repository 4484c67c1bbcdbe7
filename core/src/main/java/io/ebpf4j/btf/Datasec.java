package io.ebpf4j.btf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A data section ({@code BTF_KIND_DATASEC}) such as {@code .data}, {@code .bss}, {@code .rodata}, {@code .maps} or
 * {@code .ksyms}, listing its variables. Compilers may leave sizes and offsets 0 for the loader to fill in from the
 * ELF symbol table.
 */
public final class Datasec implements Type {
    private String name;
    private int size;
    private final List<VarSecinfo> vars;

    public Datasec(String name, int size, List<VarSecinfo> vars) {
        this.name = Objects.requireNonNull(name, "name");
        this.size = size;
        this.vars = new ArrayList<>(vars);
    }

    Datasec(String name, int size, int varCount) {
        this.name = name;
        this.size = size;
        this.vars = new ArrayList<>(varCount);
    }

    @Override
    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public Kind kind() {
        return Kind.DATASEC;
    }

    /** Size in bytes. */
    public int size() {
        return size;
    }

    public void setSize(int size) {
        this.size = size;
    }

    /** The variables. The list is live and modifiable. */
    public List<VarSecinfo> vars() {
        return vars;
    }

    @Override
    public String toString() {
        return Types.describe(this);
    }
}
