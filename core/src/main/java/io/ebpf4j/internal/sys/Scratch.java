package io.ebpf4j.internal.sys;

/**
 * Per-thread native buffers for syscall arguments: the {@code bpf_attr} union and room for a key, a value and a
 * second key. Reusing them is what lets a map lookup make one syscall without allocating.
 */
public final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    /** Larger than every {@code bpf_attr} variant ebpf4j uses (the kernel's union is 168 bytes in 6.x). */
    public static final int ATTR_SIZE = 256;

    public final NativeBuffer attr = new NativeBuffer(ATTR_SIZE);
    public final NativeBuffer key = new NativeBuffer(64);
    public final NativeBuffer value = new NativeBuffer(256);
    public final NativeBuffer nextKey = new NativeBuffer(64);
    public final NativeBuffer info = new NativeBuffer(256);
    public final NativeBuffer path = new NativeBuffer(256);

    private Scratch() {}

    public static Scratch get() {
        return LOCAL.get();
    }
}
