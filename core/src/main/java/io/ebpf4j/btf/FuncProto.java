package io.ebpf4j.btf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A function signature ({@code BTF_KIND_FUNC_PROTO}): the type of a {@link Func} or the target of a function pointer.
 */
public final class FuncProto implements Type {
    private Type returnType;
    private final List<Param> params;

    public FuncProto(Type returnType, List<Param> params) {
        this.returnType = Objects.requireNonNull(returnType, "returnType");
        this.params = new ArrayList<>(params);
    }

    FuncProto(int paramCount) {
        this.params = new ArrayList<>(paramCount);
    }

    @Override
    public String name() {
        return "";
    }

    @Override
    public Kind kind() {
        return Kind.FUNC_PROTO;
    }

    /** The return type, {@link Void#INSTANCE} for void functions. */
    public Type returnType() {
        return returnType;
    }

    public void setReturnType(Type returnType) {
        this.returnType = Objects.requireNonNull(returnType, "returnType");
    }

    /** The parameters. The list is live and modifiable. */
    public List<Param> params() {
        return params;
    }

    /** Whether the last parameter is the {@code ...} marker. */
    public boolean isVariadic() {
        return !params.isEmpty() && params.get(params.size() - 1).type() == Void.INSTANCE;
    }

    @Override
    public String toString() {
        return Types.describe(this);
    }
}
