package io.ebpf4j.internal.sys;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The owned descriptor of an API object (a map, a program, a BTF handle), for this library's code in other
 * packages. The API itself hands out only the descriptor's number: an {@link Fd} lets its holder defer a close or
 * use a descriptor without racing one, which callers outside the library must not do to objects they do not own.
 * Each owner registers how to reach its descriptor when its class initialises, before any instance exists.
 */
public final class Descriptors {
    private static final Map<Class<?>, Function<Object, Fd>> OWNERS = new ConcurrentHashMap<>();

    private Descriptors() {}

    public static <T> void register(Class<T> type, Function<T, Fd> descriptor) {
        OWNERS.put(type, owner -> descriptor.apply(type.cast(owner)));
    }

    /** The descriptor {@code owner} holds. */
    public static Fd of(Object owner) {
        Function<Object, Fd> descriptor = OWNERS.get(owner.getClass());
        if (descriptor == null) {
            throw new IllegalArgumentException(owner.getClass().getName() + " owns no registered descriptor");
        }
        return descriptor.apply(owner);
    }
}
