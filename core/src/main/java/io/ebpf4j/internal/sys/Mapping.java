package io.ebpf4j.internal.sys;

import io.ebpf4j.BpfException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.sun.jna.Pointer;

/**
 * An {@code mmap}ed region, unmapped exactly once. Like {@link Fd}, accesses are bracketed by
 * {@link #acquire()}/{@link #release()} so that {@link #close()} never unmaps memory another thread is reading:
 * touching unmapped memory would crash the JVM.
 */
public final class Mapping implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final long CLOSED = 1L << 62;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Mapping.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long address;
    private final long length;
    private final String description;
    private final Cleaner.Cleanable cleanable;
    @SuppressWarnings("unused")
    private volatile long state;

    private Mapping(long address, long length, String description) {
        this.address = address;
        this.length = length;
        this.description = description;
        this.cleanable = CLEANER.register(this, new Unmap(address, length));
    }

    /** Maps {@code length} bytes of {@code fd} at {@code offset}. */
    public static Mapping map(int fd, long length, int prot, long offset, String description) {
        long address = LibC.mmap(0, length, prot, LibC.MAP_SHARED, fd, offset);
        if (address == LibC.MAP_FAILED) {
            int errno = LibC.errno();
            throw Errors.of("mmap " + description, errno, "CAP_BPF");
        }
        return new Mapping(address, length, description);
    }

    /**
     * One part of {@link #mapContiguous}: {@code length} bytes of {@code fd} from {@code offset}, mapped with {@code
     * prot}.
     */
    public record Piece(int fd, long length, int prot, long offset) {}

    /**
     * Maps several file regions back to back as one mapping: the whole range is reserved first (anonymous,
     * {@code PROT_NONE}) and each piece is then mapped over its part with {@code MAP_FIXED}. Ring buffers need pages
     * of different protections side by side, and one mapping lets a single {@link #acquire()} guard them all and
     * one {@code munmap} release them all. On failure nothing stays mapped.
     *
     * @param capabilities what the mapping needs, named in a permission error
     */
    public static Mapping mapContiguous(String description, String capabilities, Piece... pieces) {
        long total = 0;
        for (Piece piece : pieces) {
            total += piece.length();
        }
        long base = LibC.mmap(0, total, 0, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1, 0);
        if (base == LibC.MAP_FAILED) {
            throw Errors.of("reserve " + total + " bytes of address space for " + description, LibC.errno(),
                    capabilities);
        }
        long at = base;
        for (Piece piece : pieces) {
            long mapped = LibC.mmap(at, piece.length(), piece.prot(), LibC.MAP_SHARED | LibC.MAP_FIXED, piece.fd(),
                    piece.offset());
            if (mapped == LibC.MAP_FAILED) {
                int errno = LibC.errno();
                LibC.munmap(base, total);
                throw Errors.of("mmap " + description, errno, capabilities);
            }
            at += piece.length();
        }
        return new Mapping(base, total, description);
    }

    /** Wraps memory this class did not map (e.g. a region reserved first and then mapped over with MAP_FIXED). */
    public static Mapping adopt(long address, long length, String description) {
        return new Mapping(address, length, description);
    }

    public long address() {
        return address;
    }

    public long length() {
        return length;
    }

    /** Marks the mapping in use and returns its address; pair with {@link #release()}. */
    public long acquire() {
        for (;;) {
            long s = state;
            if ((s & CLOSED) != 0) {
                throw new BpfException(description + " is closed");
            }
            if (STATE.compareAndSet(this, s, s + 1)) {
                return address;
            }
        }
    }

    public void release() {
        long s = (long) STATE.getAndAdd(this, -1L) - 1;
        if (s == CLOSED) {
            cleanable.clean();
        }
    }

    public boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    /**
     * A direct buffer over the mapping in native order. Only for code that holds the mapping through
     * {@link #acquire()} while using it and never lets the buffer escape.
     */
    public ByteBuffer unsafeBuffer(long offset, long size) {
        ByteBuffer buffer = LibC.FOREIGN ? ForeignCalls.buffer(address + offset, size)
                : new Pointer(address).getByteBuffer(offset, size);
        return buffer.order(ByteOrder.nativeOrder());
    }

    @Override
    public void close() {
        for (;;) {
            long s = state;
            if ((s & CLOSED) != 0) {
                return;
            }
            if (STATE.compareAndSet(this, s, s | CLOSED)) {
                if (s == 0) {
                    cleanable.clean();
                }
                return;
            }
        }
    }

    private record Unmap(long address, long length) implements Runnable {
        @Override
        public void run() {
            LibC.munmap(address, length);
        }
    }
}
