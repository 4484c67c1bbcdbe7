package io.ebpf4j.btf;

/**
 * The {@code void} type: type id 0 in every BTF blob, the target of {@code void *} and the return of void functions.
 */
public final class Void implements Type {
    /** The only instance. */
    public static final Void INSTANCE = new Void();

    private Void() {}

    @Override
    public String name() {
        return "";
    }

    @Override
    public Kind kind() {
        return Kind.VOID;
    }

    @Override
    public String toString() {
        return "void";
    }
}
