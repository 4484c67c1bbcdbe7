package io.ebpf4j;

import io.ebpf4j.internal.Os;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.Mapping;

import java.nio.ByteBuffer;

/**
 * The values of a {@code BPF_F_MMAPABLE} array, mapped into this process: reads and writes go straight to the
 * kernel's memory, with no syscall. Accessors are bounds-checked and safe against a concurrent {@link #close()}
 * (the memory is never exposed directly, so nothing can touch it after it is unmapped).
 */
public final class MappedArray implements AutoCloseable {
    private final Mapping mapping;
    private final ByteBuffer view;
    private final int size;

    MappedArray(BpfMap map) {
        long bytes = (long) MapSpec.align8(map.valueSize()) * map.maxEntries();
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("map '" + map.name() + "' is too large to map (" + bytes + " bytes)");
        }
        this.size = (int) bytes;
        int raw = map.descriptor().acquire();
        try {
            long page = Os.pageSize();
            long length = (bytes + page - 1) / page * page;
            this.mapping = Mapping.map(raw, length, LibC.PROT_READ | LibC.PROT_WRITE, 0,
                    "mmap of map '" + map.name() + "'");
        } finally {
            map.descriptor().release();
        }
        this.view = mapping.unsafeBuffer(0, size);
    }

    /** Bytes of value data (values are 8-byte aligned: entry {@code i} starts at {@code i * align8(valueSize)}). */
    public int size() {
        return size;
    }

    public long getLong(int offset) {
        check(offset, 8);
        mapping.acquire();
        try {
            return view.getLong(offset);
        } finally {
            mapping.release();
        }
    }

    public void putLong(int offset, long value) {
        check(offset, 8);
        mapping.acquire();
        try {
            view.putLong(offset, value);
        } finally {
            mapping.release();
        }
    }

    public int getInt(int offset) {
        check(offset, 4);
        mapping.acquire();
        try {
            return view.getInt(offset);
        } finally {
            mapping.release();
        }
    }

    public void putInt(int offset, int value) {
        check(offset, 4);
        mapping.acquire();
        try {
            view.putInt(offset, value);
        } finally {
            mapping.release();
        }
    }

    /** Copies {@code dst.length} bytes from {@code offset}. */
    public void read(int offset, byte[] dst) {
        check(offset, dst.length);
        mapping.acquire();
        try {
            view.get(offset, dst);
        } finally {
            mapping.release();
        }
    }

    /** Copies {@code src} to {@code offset}. */
    public void write(int offset, byte[] src) {
        check(offset, src.length);
        mapping.acquire();
        try {
            view.put(offset, src);
        } finally {
            mapping.release();
        }
    }

    private void check(int offset, int length) {
        if (offset < 0 || length < 0 || (long) offset + length > size) {
            throw new IndexOutOfBoundsException("access of " + length + " bytes at " + offset + " outside the "
                    + size + "-byte mapped array");
        }
    }

    /** Unmaps the values (deferred until accesses in flight finish). */
    @Override
    public void close() {
        mapping.close();
    }
}
