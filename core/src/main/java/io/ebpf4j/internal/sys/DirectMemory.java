package io.ebpf4j.internal.sys;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;

/**
 * Native-order loads and stores at absolute addresses, without the checks of a direct {@code ByteBuffer}: each
 * buffer access reloads and checks the buffer's limit, address, byte order and (on Java 22+) owning segment, which a
 * loop cannot hoist past the fences of a shared-memory protocol, and in a loop that touches a few bytes per step
 * those checks cost as much as the work. Nothing is checked here: callers must only touch memory they keep mapped
 * ({@link Mapping#acquire()}) and must bound every address themselves.
 *
 * <p>On Java 22+ an access goes through a {@code MemorySegment} that spans the whole address space, held in a
 * constant so that the JIT folds its bounds and liveness checks away; before, where that API is missing, through
 * {@code sun.misc.Unsafe} (whose memory access is deprecated from Java 23 on, so it is used only before 22). Both are
 * reached through method handles built once, the library being compiled for Java 17, which the JIT inlines into
 * plain moves.
 */
public final class DirectMemory {
    private static final boolean SEGMENTS = Runtime.version().feature() >= 22;
    /** Java 22+: a segment from address 0 spanning everything; the handles below take it first. */
    private static final Object EVERYTHING;
    /** Java 22+: {@code (Object segment, long address) -> value}; before: {@code (long address) -> value}. */
    private static final MethodHandle GET_BYTE;
    private static final MethodHandle GET_SHORT;
    private static final MethodHandle GET_INT;
    private static final MethodHandle GET_LONG;
    /** Java 22+: {@code (Object segment, long address, long value) -> void}; before: {@code (long, long) -> void}. */
    private static final MethodHandle PUT_LONG;

    static {
        try {
            if (SEGMENTS) {
                Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
                Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
                // reinterpret is restricted: called as this class, whose module needs native access.
                MethodHandle reinterpret = MethodHandles.lookup().findVirtual(segmentClass, "reinterpret",
                        MethodType.methodType(segmentClass, long.class));
                try {
                    EVERYTHING = reinterpret.invoke(segmentClass.getField("NULL").get(null), Long.MAX_VALUE);
                } catch (Throwable e) {
                    throw new ExceptionInInitializerError(e);
                }
                GET_BYTE = segmentGetter(valueLayout, "JAVA_BYTE", byte.class);
                GET_SHORT = segmentGetter(valueLayout, "JAVA_SHORT_UNALIGNED", short.class);
                GET_INT = segmentGetter(valueLayout, "JAVA_INT_UNALIGNED", int.class);
                GET_LONG = segmentGetter(valueLayout, "JAVA_LONG_UNALIGNED", long.class);
                PUT_LONG = segmentHandle(valueLayout, "JAVA_LONG_UNALIGNED", VarHandle.AccessMode.SET,
                        MethodType.methodType(void.class, Object.class, long.class, long.class));
            } else {
                Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
                Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
                theUnsafe.setAccessible(true);
                Object unsafe = theUnsafe.get(null);
                EVERYTHING = null;
                GET_BYTE = unsafeGetter(unsafeClass, unsafe, "getByte", byte.class);
                GET_SHORT = unsafeGetter(unsafeClass, unsafe, "getShort", short.class);
                GET_INT = unsafeGetter(unsafeClass, unsafe, "getInt", int.class);
                GET_LONG = unsafeGetter(unsafeClass, unsafe, "getLong", long.class);
                PUT_LONG = MethodHandles.publicLookup().findVirtual(unsafeClass, "putLong",
                        MethodType.methodType(void.class, long.class, long.class)).bindTo(unsafe);
            }
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private DirectMemory() {
    }

    private static MethodHandle segmentGetter(Class<?> valueLayout, String layoutName, Class<?> type)
            throws ReflectiveOperationException {
        return segmentHandle(valueLayout, layoutName, VarHandle.AccessMode.GET,
                MethodType.methodType(type, Object.class, long.class));
    }

    private static MethodHandle segmentHandle(Class<?> valueLayout, String layoutName, VarHandle.AccessMode mode,
            MethodType type) throws ReflectiveOperationException {
        Object layout = valueLayout.getField(layoutName).get(null);
        VarHandle handle = (VarHandle) valueLayout.getMethod("varHandle").invoke(layout);
        return handle.toMethodHandle(mode).asType(type);
    }

    private static MethodHandle unsafeGetter(Class<?> unsafeClass, Object unsafe, String name, Class<?> type)
            throws ReflectiveOperationException {
        return MethodHandles.publicLookup().findVirtual(unsafeClass, name, MethodType.methodType(type, long.class))
                .bindTo(unsafe);
    }

    public static byte getByte(long address) {
        try {
            return SEGMENTS ? (byte) GET_BYTE.invokeExact(EVERYTHING, address) : (byte) GET_BYTE.invokeExact(address);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    public static short getShort(long address) {
        try {
            return SEGMENTS ? (short) GET_SHORT.invokeExact(EVERYTHING, address)
                    : (short) GET_SHORT.invokeExact(address);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    public static int getInt(long address) {
        try {
            return SEGMENTS ? (int) GET_INT.invokeExact(EVERYTHING, address) : (int) GET_INT.invokeExact(address);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    public static long getLong(long address) {
        try {
            return SEGMENTS ? (long) GET_LONG.invokeExact(EVERYTHING, address) : (long) GET_LONG.invokeExact(address);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    public static void putLong(long address, long value) {
        try {
            if (SEGMENTS) {
                PUT_LONG.invokeExact(EVERYTHING, address, value);
            } else {
                PUT_LONG.invokeExact(address, value);
            }
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** The handles throw nothing checked; anything else is a bug worth seeing as is. */
    private static RuntimeException unexpected(Throwable e) {
        if (e instanceof RuntimeException) {
            throw (RuntimeException) e;
        }
        if (e instanceof Error) {
            throw (Error) e;
        }
        return new IllegalStateException(e);
    }
}
