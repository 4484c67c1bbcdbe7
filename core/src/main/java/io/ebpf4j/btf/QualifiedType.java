package io.ebpf4j.btf;

import java.util.Objects;

/** What {@link Const}, {@link Volatile} and {@link Restrict} hold alike, the qualified type; they differ in kind. */
abstract class QualifiedType {
    private Type type;

    QualifiedType(Type type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    QualifiedType() {}

    public String name() {
        return "";
    }

    public Type type() {
        return type;
    }

    public void setType(Type type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    @Override
    public String toString() {
        return Types.describe((Type) this);
    }
}
