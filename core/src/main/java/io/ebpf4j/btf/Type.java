package io.ebpf4j.btf;

/**
 * A BTF type: one final class per BTF kind.
 *
 * <p>Types form a graph that may be cyclic ({@code struct list_head} points to itself), so everything that walks
 * it keeps a visited set. {@code equals} and {@code hashCode} are identity-based, which makes types usable as keys
 * while a graph is being built or rewritten; {@link Types#equivalent(Type, Type)} compares structure.
 *
 * <p>Types are mutable so that a loader can build new ones and rewrite references (for example fill in the sizes of
 * a {@link Datasec}). Types inflated by a {@link Spec} are shared by every user of that spec: {@link Types#copy(Type)}
 * them before changing them.
 */
public sealed interface Type
        permits Void, Int, Pointer, Array, Composite, Enumeration, Fwd, Typedef, Qualifier, Func, FuncProto, Var,
        Datasec, Float, DeclTag {

    /** The name, or the empty string for anonymous types and for kinds without a name. */
    String name();

    Kind kind();
}
