package io.ebpf4j.internal.sys;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Downcalls through {@code java.lang.foreign} (final in Java 22), the cheaper way into libc than JNA's. The library
 * is compiled for Java 17, so the FFM API is reached by reflection, once, while building the handles: every
 * parameter and result is a Java {@code long} or {@code int} (addresses are {@code long}, exactly the C ABI of a
 * pointer on LP64), so the finished handles have primitive types that Java 17 code calls with
 * {@code invokeExact}, and the JIT compiles such a call into a direct native call.
 *
 * <p>errno is captured by the downcall stub into a segment of the calling thread, bound into each handle, and read
 * by {@link #errno()}. Handles made {@linkplain #handle critical} skip the thread-state transition: only for calls
 * that return quickly and never block.
 *
 * <p>Used when the runtime has the API ({@link #AVAILABLE}) unless the system property
 * {@value #PROPERTY}{@code =jna} asks for JNA.
 */
final class ForeignCalls {
    /** {@code foreign} (the default on Java 22+) or {@code jna}. */
    static final String PROPERTY = "ebpf4j.nativeAccess";

    /** The parts of the FFM API the handles are built from, found once; null where the API is not used. */
    private record Api(Class<?> linkerClass, Object linker, Class<?> lookupClass, Object lookup,
            Class<?> layoutClass, Class<?> optionClass, Class<?> segmentClass, Class<?> descriptorClass,
            Object longLayout, Object intLayout, Object captureErrno,
            MethodHandle captureSegment, // () -> the calling thread's capture segment
            MethodHandle errno,          // () -> the errno in it
            MethodHandle addressOf,      // (ByteBuffer direct) -> its address
            MethodHandle bufferAt) {     // (long address, long size) -> a ByteBuffer over that memory
    }

    private static final Api API = api();

    static final boolean AVAILABLE = API != null && links();

    private static Api api() {
        if (Runtime.version().feature() < 22 || "jna".equals(System.getProperty(PROPERTY))) {
            return null;
        }
        try {
            Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
            Class<?> lookupClass = Class.forName("java.lang.foreign.SymbolLookup");
            Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
            Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
            Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");
            Class<?> pathElement = Class.forName("java.lang.foreign.MemoryLayout$PathElement");
            Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
            Object lookup = linkerClass.getMethod("defaultLookup").invoke(linker);
            Object intLayout = valueLayout.getField("JAVA_INT").get(null);
            Object captureErrno = optionClass.getMethod("captureCallState", String[].class)
                    .invoke(null, (Object) new String[] {"errno"});
            Object stateLayout = optionClass.getMethod("captureStateLayout").invoke(null);
            Object errnoPath = Array.newInstance(pathElement, 1);
            Array.set(errnoPath, 0, pathElement.getMethod("groupElement", String.class).invoke(null, "errno"));
            long errnoOffset = (long) layoutClass.getMethod("byteOffset", errnoPath.getClass())
                    .invoke(stateLayout, errnoPath);
            Object arena = arenaClass.getMethod("global").invoke(null);
            Method allocate = arenaClass.getMethod("allocate", layoutClass);
            // One capture segment per thread, for the life of the process: a few bytes per thread that calls in.
            ThreadLocal<Object> segments = ThreadLocal.withInitial(() -> {
                try {
                    return allocate.invoke(arena, stateLayout);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            });
            MethodHandles.Lookup publicLookup = MethodHandles.publicLookup();
            MethodHandle captureSegment = publicLookup.findVirtual(ThreadLocal.class, "get",
                    MethodType.methodType(Object.class)).bindTo(segments).asType(MethodType.methodType(segmentClass));
            Class<?> ofInt = Class.forName("java.lang.foreign.ValueLayout$OfInt");
            MethodHandle get = publicLookup.findVirtual(segmentClass, "get",
                    MethodType.methodType(int.class, ofInt, long.class));
            MethodHandle errno = MethodHandles.filterReturnValue(captureSegment,
                    MethodHandles.insertArguments(get, 1, intLayout, errnoOffset));
            // Direct buffers and their addresses, without JNA (which would cost its own start-up on this path).
            MethodHandle address = publicLookup.findVirtual(segmentClass, "address", MethodType.methodType(long.class));
            MethodHandle addressOf = MethodHandles.filterReturnValue(publicLookup.findStatic(segmentClass, "ofBuffer",
                    MethodType.methodType(segmentClass, Buffer.class)), address)
                    .asType(MethodType.methodType(long.class, ByteBuffer.class));
            // reinterpret is restricted like downcalls: looked up as this class, whose module needs native access.
            MethodHandle sized = MethodHandles.collectArguments(MethodHandles.lookup().findVirtual(segmentClass,
                    "reinterpret",
                    MethodType.methodType(segmentClass, long.class)), 0, publicLookup.findStatic(segmentClass,
                    "ofAddress", MethodType.methodType(segmentClass, long.class)));
            MethodHandle bufferAt = MethodHandles.filterReturnValue(sized,
                    publicLookup.findVirtual(segmentClass, "asByteBuffer", MethodType.methodType(ByteBuffer.class)));
            return new Api(linkerClass, linker, lookupClass, lookup, layoutClass, optionClass, segmentClass,
                    Class.forName("java.lang.foreign.FunctionDescriptor"), valueLayout.getField("JAVA_LONG").get(null),
                    intLayout, captureErrno, captureSegment, errno, addressOf, bufferAt);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Whether a call through a handle works here: the runtime may refuse native access, for one. */
    private static boolean links() {
        try {
            return (int) handle("getpid", false, -1, int.class).invokeExact() > 0;
        } catch (Throwable e) {
            return false;
        }
    }

    private ForeignCalls() {}

    /**
     * A handle for libc's {@code name} with the given primitive result and parameter types ({@code long.class} or
     * {@code int.class}) that records errno for {@link #errno()}; {@code critical} for calls that cannot block;
     * {@code firstVariadic} is the index of the first variadic parameter (as in {@code syscall(long, ...)}), or -1.
     */
    static MethodHandle handle(String name, boolean critical, int firstVariadic, Class<?> result,
            Class<?>... parameters) {
        try {
            Object symbol = ((Optional<?>) API.lookupClass().getMethod("find", String.class).invoke(API.lookup(), name))
                    .orElseThrow(() -> new IllegalStateException("libc has no " + name));
            Object layouts = Array.newInstance(API.layoutClass(), parameters.length);
            for (int i = 0; i < parameters.length; i++) {
                Array.set(layouts, i, layout(parameters[i]));
            }
            Object descriptor = API.descriptorClass().getMethod("of", API.layoutClass(), layouts.getClass())
                    .invoke(null, layout(result), layouts);
            List<Object> chosen = new ArrayList<>();
            chosen.add(API.captureErrno());
            if (critical) {
                chosen.add(API.optionClass().getMethod("critical", boolean.class).invoke(null, false));
            }
            if (firstVariadic >= 0) {
                chosen.add(API.optionClass().getMethod("firstVariadicArg", int.class).invoke(null, firstVariadic));
            }
            Object options = Array.newInstance(API.optionClass(), chosen.size());
            for (int i = 0; i < chosen.size(); i++) {
                Array.set(options, i, chosen.get(i));
            }
            MethodHandle downcall;
            try {
                downcall = (MethodHandle) API.linkerClass().getMethod("downcallHandle", API.segmentClass(),
                        API.descriptorClass(), options.getClass()).invoke(API.linker(), symbol, descriptor, options);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw new IllegalStateException("cannot link libc's " + name + ": " + e.getCause(), e.getCause());
            }
            // (MemorySegment capture, args...) -> result, with the capture segment taken from this thread.
            return MethodHandles.foldArguments(downcall, API.captureSegment());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot link libc's " + name + " through java.lang.foreign", e);
        }
    }

    /** A critical handle for {@code name}, or {@code fallback} where this runtime cannot make one. */
    static MethodHandle criticalOr(MethodHandle fallback, String name, int firstVariadic, Class<?> result,
            Class<?>... parameters) {
        try {
            return handle(name, true, firstVariadic, result, parameters);
        } catch (IllegalStateException | IllegalArgumentException e) {
            return fallback;
        }
    }

    private static Object layout(Class<?> type) {
        if (type == long.class) {
            return API.longLayout();
        }
        if (type == int.class) {
            return API.intLayout();
        }
        throw new IllegalArgumentException("only long and int cross the boundary, not " + type);
    }

    /** A failure of a downcall that declares none: nothing but an error of the JVM itself can get here. */
    static RuntimeException unexpected(Throwable e) {
        if (e instanceof RuntimeException) {
            return (RuntimeException) e;
        }
        if (e instanceof Error) {
            throw (Error) e;
        }
        return new IllegalStateException(e);
    }

    /** The address of a direct buffer. */
    static long address(ByteBuffer direct) {
        try {
            return (long) API.addressOf().invokeExact(direct);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** A buffer over {@code size} bytes of native memory at {@code address}, in big-endian order like any new one. */
    static ByteBuffer buffer(long address, long size) {
        try {
            return (ByteBuffer) API.bufferAt().invokeExact(address, size);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** The errno the last call through a handle of this class left on this thread. */
    static int errno() {
        try {
            return (int) API.errno().invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
