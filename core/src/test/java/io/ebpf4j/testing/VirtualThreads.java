package io.ebpf4j.testing;

import java.lang.reflect.Method;

/** Starts virtual threads on Java 21+ through reflection (the tests compile for Java 17). */
public final class VirtualThreads {
    private static final Method OF_VIRTUAL = find();

    private VirtualThreads() {}

    private static Method find() {
        try {
            return Thread.class.getMethod("ofVirtual");
        } catch (NoSuchMethodException olderJava) {
            return null;
        }
    }

    public static boolean available() {
        return OF_VIRTUAL != null;
    }

    /** Starts {@code task} on a new virtual thread. */
    public static Thread start(Runnable task) {
        try {
            Object builder = OF_VIRTUAL.invoke(null);
            Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
            return (Thread) start.invoke(builder, task);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start a virtual thread", e);
        }
    }
}
