package io.ebpf4j.btf;

/**
 * A type that modifies another without changing its layout: {@link Const}, {@link Volatile}, {@link Restrict} and
 * {@link TypeTag} (what libbpf calls modifiers). {@link Types#skipQualifiers(Type)} looks through them.
 */
public sealed interface Qualifier extends Type permits Const, Volatile, Restrict, TypeTag {
    /** The qualified type. */
    Type type();

    void setType(Type type);
}
