package io.ebpf4j.spring.metrics;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * A hash table from map keys to values, for the per-entry lookup of every read: keys are held as longs in one
 * array (open addressing, linear probing), so that a lookup reads the key straight from the batch buffer, hashes and
 * compares a few longs, and allocates nothing. Bytes outside the mask (padding) are cleared before hashing.
 *
 * <p>Reads of a map whose keys did not change return them in the same order each time: {@link #getInWalk}
 * remembers the entry found at each position of the last walk and compares the key with it first, walking two
 * arrays in order instead of missing the processor's caches in the hash table once or twice per key.
 *
 * <p>Not thread-safe; {@link MapMetricFamily} uses it under its lock.
 */
final class KeyTable<V> {
    private static final int MIN_CAPACITY = 16;
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final int keySize;
    private final int words;
    private final long[] mask;
    private long[] keys;
    private Object[] values;
    private int size;
    /** The keys and values found at each position of the last walk; a null value: nothing remembered. */
    private long[] walkKeys = new long[0];
    private Object[] walkValues = new Object[0];

    /**
     * @param keySize key size in bytes
     * @param byteMask 0xff for bytes that matter, 0 for padding; {@code null} when all bytes matter
     */
    KeyTable(int keySize, byte[] byteMask) {
        this.keySize = keySize;
        this.words = (keySize + 7) / 8;
        byte[] full = new byte[words * 8];
        for (int i = 0; i < keySize; i++) {
            full[i] = byteMask == null ? (byte) 0xff : byteMask[i];
        }
        this.mask = new long[words];
        ByteBuffer maskBytes = ByteBuffer.wrap(full).order(ByteOrder.nativeOrder());
        load(maskBytes, 0, mask, false);
        this.keys = new long[MIN_CAPACITY * words];
        this.values = new Object[MIN_CAPACITY];
    }

    /** A probe to {@link #load} keys into. */
    long[] newProbe() {
        return new long[words];
    }

    /** Reads the key at {@code offset} of {@code buffer} (native order) into {@code probe}, padding cleared. */
    void load(ByteBuffer buffer, int offset, long[] probe) {
        load(buffer, offset, probe, true);
    }

    /**
     * Whole words are read in native order; the bytes of a last partial word are packed little-endian (one read
     * for a 4-byte tail on little-endian machines), the same way for keys and for the mask.
     */
    private void load(ByteBuffer buffer, int offset, long[] probe, boolean masked) {
        int full = keySize / 8;
        for (int w = 0; w < full; w++) {
            long word = buffer.getLong(offset + 8 * w);
            probe[w] = masked ? word & mask[w] : word;
        }
        int rest = keySize - 8 * full;
        if (rest > 0) {
            int at = offset + 8 * full;
            long tail;
            if (rest == 4 && LITTLE_ENDIAN) {
                tail = buffer.getInt(at) & 0xffffffffL;
            } else {
                tail = 0;
                for (int i = 0; i < rest; i++) {
                    tail |= (buffer.get(at + i) & 0xffL) << (8 * i);
                }
            }
            probe[full] = masked ? tail & mask[full] : tail;
        }
    }

    @SuppressWarnings("unchecked")
    V get(long[] probe) {
        int capacity = values.length;
        int slot = hash(probe) & (capacity - 1);
        for (;;) {
            Object value = values[slot];
            if (value == null) {
                return null;
            }
            if (matches(slot, probe)) {
                return (V) value;
            }
            slot = (slot + 1) & (capacity - 1);
        }
    }

    /**
     * {@link #get} for the key at {@code position} of a walk over the map, remembering what it found there for the
     * next walk.
     */
    @SuppressWarnings("unchecked")
    V getInWalk(int position, long[] probe) {
        int base = position * words;
        if (position < walkValues.length) {
            Object remembered = walkValues[position];
            if (remembered != null && sameKey(walkKeys, base, probe)) {
                return (V) remembered;
            }
        } else {
            int length = Math.max(MIN_CAPACITY, Math.max(position + 1, walkValues.length * 2));
            walkValues = Arrays.copyOf(walkValues, length);
            walkKeys = Arrays.copyOf(walkKeys, length * words);
        }
        V value = get(probe);
        System.arraycopy(probe, 0, walkKeys, base, words);
        walkValues[position] = value;
        return value;
    }

    /** Adds or replaces the value of {@code probe}'s key. */
    void put(long[] probe, V value) {
        if (2 * (size + 1) > values.length) {
            resize(values.length * 2);
        }
        int capacity = values.length;
        int slot = hash(probe) & (capacity - 1);
        while (values[slot] != null) {
            if (matches(slot, probe)) {
                values[slot] = value;
                forgetWalk();
                return;
            }
            slot = (slot + 1) & (capacity - 1);
        }
        System.arraycopy(probe, 0, keys, slot * words, words);
        values[slot] = value;
        size++;
    }

    int size() {
        return size;
    }

    /** Removes every entry whose value matches; rebuilds the table (for the occasional sweep, not per read). */
    @SuppressWarnings("unchecked")
    void removeIf(Predicate<V> filter) {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        int capacity = MIN_CAPACITY;
        int kept = 0;
        for (Object v : oldValues) {
            if (v != null && !filter.test((V) v)) {
                kept++;
            }
        }
        while (2 * kept > capacity) {
            capacity *= 2;
        }
        keys = new long[capacity * words];
        values = new Object[capacity];
        size = 0;
        forgetWalk();
        long[] probe = new long[words];
        for (int slot = 0; slot < oldValues.length; slot++) {
            Object v = oldValues[slot];
            if (v != null && !filter.test((V) v)) {
                System.arraycopy(oldKeys, slot * words, probe, 0, words);
                put(probe, (V) v);
            }
        }
    }

    /** Removes everything. */
    void clear() {
        keys = new long[MIN_CAPACITY * words];
        values = new Object[MIN_CAPACITY];
        size = 0;
        forgetWalk();
    }

    /** Values removed or replaced must not be found at their old positions. */
    private void forgetWalk() {
        Arrays.fill(walkValues, null);
    }

    @SuppressWarnings("unchecked")
    private void resize(int capacity) {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[capacity * words];
        values = new Object[capacity];
        size = 0;
        long[] probe = new long[words];
        for (int slot = 0; slot < oldValues.length; slot++) {
            if (oldValues[slot] != null) {
                System.arraycopy(oldKeys, slot * words, probe, 0, words);
                put(probe, (V) oldValues[slot]);
            }
        }
    }

    private boolean matches(int slot, long[] probe) {
        return sameKey(keys, slot * words, probe);
    }

    private boolean sameKey(long[] table, int base, long[] probe) {
        for (int w = 0; w < words; w++) {
            if (table[base + w] != probe[w]) {
                return false;
            }
        }
        return true;
    }

    private int hash(long[] probe) {
        long h = 0x9E3779B97F4A7C15L;
        for (int w = 0; w < words; w++) {
            h = (h ^ probe[w]) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        return (int) (h ^ (h >>> 32));
    }
}
