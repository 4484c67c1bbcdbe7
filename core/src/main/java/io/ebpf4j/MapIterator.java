package io.ebpf4j;

import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.Scratch;

/**
 * Walks a map with get-next-key and lookup, reusing its own buffers: two syscalls per entry, no allocation.
 *
 * <p>Survives concurrent modification: an entry deleted between get-next-key and lookup is skipped. When the
 * current key itself is deleted, hash maps restart from their first key, so an entry may be returned twice; to
 * guarantee termination the walk gives up with {@link IterationAbortedException} after visiting more entries than
 * the map can hold (as cilium/ebpf's {@code MapIterator} does). Not thread-safe.
 */
public final class MapIterator {
    private final BpfMap map;
    private final NativeBuffer current;
    private final NativeBuffer next;
    private final NativeBuffer value;
    private boolean started;
    private boolean done;
    private long visited;

    MapIterator(BpfMap map) {
        this.map = map;
        this.current = new NativeBuffer(Math.max(map.keySize(), 1));
        this.next = new NativeBuffer(Math.max(map.keySize(), 1));
        this.value = new NativeBuffer(Math.max(map.valueBufferSize(), 1));
    }

    /**
     * Copies the next entry into {@code key} and {@code value} (sized for the map).
     *
     * @return {@code false} at the end of the map
     */
    public boolean next(byte[] key, byte[] value) {
        if (key.length != map.keySize() || value.length != map.valueBufferSize()) {
            throw new IllegalArgumentException("map '" + map.name() + "': iterator needs a " + map.keySize()
                    + "-byte key and a " + map.valueBufferSize() + "-byte value buffer");
        }
        if (done) {
            return false;
        }
        Scratch s = Scratch.get();
        for (;;) {
            int r = map.element(s, Bpf.MAP_GET_NEXT_KEY, started ? current.address() : 0, next.address(), 0);
            if (r == -Errno.ENOENT) {
                done = true;
                return false;
            }
            if (r != 0) {
                throw map.elementError("next key", r);
            }
            started = true;
            current.buffer().put(0, next.buffer(), 0, map.keySize());
            r = map.element(s, Bpf.MAP_LOOKUP_ELEM, next.address(), this.value.address(), 0);
            if (r == -Errno.ENOENT) {
                continue; // deleted since get-next-key returned it
            }
            if (r != 0) {
                throw map.elementError("lookup", r);
            }
            if (++visited > map.maxEntries() && !map.type().isArrayLike()) {
                done = true;
                throw new IterationAbortedException("iteration over map '" + map.name() + "' aborted after "
                        + (visited - 1) + " entries (more than max entries " + map.maxEntries()
                        + "): the map was modified concurrently and the walk kept restarting");
            }
            next.get(0, key, 0, map.keySize());
            this.value.get(0, value, 0, map.valueBufferSize());
            return true;
        }
    }
}
