package io.ebpf4j;

import io.ebpf4j.btf.Type;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A global variable of a loaded collection: reads and writes go to its data section's map in the kernel, so they
 * see what programs wrote. Each read is one map lookup. {@code .rodata} variables are frozen and can only be read.
 */
public final class Variable {
    private final VariableSpec spec;
    private final BpfMap map;

    Variable(VariableSpec spec, BpfMap map) {
        this.spec = spec;
        this.map = map;
    }

    public String name() {
        return spec.name();
    }

    public int size() {
        return spec.size();
    }

    public Type type() {
        return spec.type();
    }

    /** The current value bytes, in native byte order. */
    public byte[] get() {
        byte[] section = map.lookup(new byte[4]).orElseThrow(() -> new BpfException("data section map '"
                + map.name() + "' has no entry 0"));
        return Arrays.copyOfRange(section, spec.offset(), spec.offset() + spec.size());
    }

    /** The value as an integer of 1, 2, 4 or 8 bytes (sign-extended from the variable's size). */
    public long getLong() {
        ByteBuffer b = ByteBuffer.wrap(get()).order(ByteOrder.nativeOrder());
        switch (spec.size()) {
            case 1: return b.get(0);
            case 2: return b.getShort(0);
            case 4: return b.getInt(0);
            case 8: return b.getLong(0);
            default: throw new IllegalStateException("variable '" + name() + "' is " + size()
                    + " bytes, not an integer");
        }
    }

    /** The value of a {@code char[]} variable, up to its first NUL. */
    public String getString() {
        byte[] bytes = get();
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /**
     * Writes the value (same conversions as {@link VariableSpec#set(Object)}). Not atomic with respect to programs
     * writing other variables of the same section at the same moment: it reads, patches and writes the section.
     */
    public void set(Object value) {
        if (spec.isConstant()) {
            throw new IllegalStateException("variable '" + name() + "' is in " + spec.mapName()
                    + ", which is frozen after loading: set it on the CollectionSpec before loading");
        }
        byte[] bytes = spec.encode(value); // the collection was loaded, so the spec's byte order is the machine's
        byte[] section = map.lookup(new byte[4]).orElseThrow();
        System.arraycopy(bytes, 0, section, spec.offset(), spec.size());
        map.update(new byte[4], section, UpdateFlags.EXIST);
    }

    @Override
    public String toString() {
        return "Variable[" + name() + " in " + spec.mapName() + "]";
    }
}
