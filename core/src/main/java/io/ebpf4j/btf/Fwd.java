package io.ebpf4j.btf;

import java.util.Objects;

/** A forward declaration ({@code BTF_KIND_FWD}): {@code struct foo;} or {@code union foo;}. */
public final class Fwd implements Type {
    /** What the declaration announces (the BTF kind flag). */
    public enum Target { STRUCT, UNION }

    private String name;
    private Target target;

    public Fwd(String name, Target target) {
        this.name = Objects.requireNonNull(name, "name");
        this.target = Objects.requireNonNull(target, "target");
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
        return Kind.FWD;
    }

    public Target target() {
        return target;
    }

    public void setTarget(Target target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    @Override
    public String toString() {
        return Types.describe(this);
    }
}
