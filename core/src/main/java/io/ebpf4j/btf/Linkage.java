package io.ebpf4j.btf;

/**
 * Linkage of a {@link Func} or a {@link Var}. The wire numbers coincide for both kinds ({@code BTF_FUNC_*},
 * {@code BTF_VAR_*}); for variables GLOBAL is "global allocated".
 */
public enum Linkage {
    STATIC, GLOBAL, EXTERN;

    /** The wire number. */
    public int wireValue() {
        return ordinal();
    }

    static Linkage ofWireValue(int value) {
        return value >= 0 && value < 3 ? values()[value] : null;
    }
}
