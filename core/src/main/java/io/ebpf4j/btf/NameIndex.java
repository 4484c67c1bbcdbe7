package io.ebpf4j.btf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A hash table from names to a spec's own type ids, built from the raw string table without creating a string per
 * type. A spec keeps two, built on first use: one for functions (most of a kernel's names), one for every other kind.
 */
final class NameIndex {
    private final Spec spec;
    private final int[] heads;
    /** Next own type index in the same bucket, plus one (0 ends the chain). */
    private final int[] next;
    private final int mask;
    /** Own type indexes whose names contain {@code ___}: the only ones that can have a flavor suffix. */
    private final int[] flavored;

    /** Indexes the named types that are functions, or those that are not. */
    NameIndex(Spec spec, boolean functions) {
        this.spec = spec;
        int[] named = spec.namedIndexes();
        int from = functions ? 0 : spec.othersStart();
        int to = functions ? spec.functionsEnd() : named.length;
        int buckets = Integer.highestOneBit(Math.max(to - from, 4) * 2 - 1);
        heads = new int[buckets];
        next = new int[spec.ownTypeCount()];
        mask = buckets - 1;
        int[] flavors = new int[8];
        int flavorCount = 0;
        for (int k = from; k < to; k++) {
            int i = named[k];
            int nameOff = spec.nameOffsetAt(i);
            long hash = hashName(spec.stringBytes(nameOff), spec.stringPosition(nameOff));
            int bucket = (int) hash & mask;
            next[i] = heads[bucket];
            heads[bucket] = i + 1;
            if ((hash & 1L << 32) != 0) {
                if (flavorCount == flavors.length) {
                    flavors = Arrays.copyOf(flavors, flavorCount * 2);
                }
                flavors[flavorCount++] = i;
            }
        }
        flavored = Arrays.copyOf(flavors, flavorCount);
        Arrays.sort(flavored);
    }

    /** Own type ids named exactly {@code name}, ascending. */
    int[] exact(String name) {
        byte[] query = name.getBytes(StandardCharsets.UTF_8);
        int[] found = new int[4];
        int n = 0;
        for (int i = heads[(int) hashName(query, 0) & mask]; i != 0; i = next[i - 1]) {
            int nameOff = spec.nameOffsetAt(i - 1);
            if (nameLength(nameOff) == query.length && nameRegionEquals(nameOff, query, query.length)) {
                if (n == found.length) {
                    found = Arrays.copyOf(found, n * 2);
                }
                found[n++] = spec.firstTypeId() + i - 1;
            }
        }
        int[] result = Arrays.copyOf(found, n);
        Arrays.sort(result);
        return result;
    }

    /** Own type ids whose essential name equals that of {@code name}, ascending. */
    int[] essential(String name) {
        byte[] query = name.getBytes(StandardCharsets.UTF_8);
        int length = essentialLength(query, 0, query.length);
        byte[] essential = Arrays.copyOf(query, length);
        boolean essentialIsPlain = essentialLength(essential, 0, length) == length;
        int[] plain = essentialIsPlain ? exact(new String(essential, StandardCharsets.UTF_8)) : new int[0];
        int[] found = Arrays.copyOf(plain, plain.length + flavored.length);
        int n = plain.length;
        for (int index : flavored) {
            int nameOff = spec.nameOffsetAt(index);
            int full = nameLength(nameOff);
            if (essentialLength(spec.stringBytes(nameOff), spec.stringPosition(nameOff), full) == length
                    && full != length
                    && nameRegionEquals(nameOff, essential, length)) {
                found[n++] = spec.firstTypeId() + index;
            }
        }
        int[] result = Arrays.copyOf(found, n);
        Arrays.sort(result);
        return result;
    }

    private int nameLength(int nameOff) {
        byte[] bytes = spec.stringBytes(nameOff);
        int from = spec.stringPosition(nameOff);
        int end = from;
        while (bytes[end] != 0) {
            end++;
        }
        return end - from;
    }

    private boolean nameRegionEquals(int nameOff, byte[] query, int length) {
        int from = spec.stringPosition(nameOff);
        return Arrays.equals(spec.stringBytes(nameOff), from, from + length, query, 0, length);
    }

    /** Length of the essential part of a name: before the last {@code ___} that separates a flavor, as in libbpf. */
    static int essentialLength(byte[] s, int from, int length) {
        for (int i = length - 5; i >= 0; i--) {
            if (s[from + i] != '_' && s[from + i + 1] == '_' && s[from + i + 2] == '_' && s[from + i + 3] == '_'
                    && s[from + i + 4] != '_') {
                return i + 1;
            }
        }
        return length;
    }

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW7 = 0x7f7f7f7f7f7f7f7fL;
    private static final long UNDERSCORES = 0x5f5f5f5f5f5f5f5fL;

    /** The high bit of every byte of {@code v} that is zero (exact: no false positives). */
    private static long zeroBytes(long v) {
        long t = (v & LOW7) + LOW7;
        return ~(t | v | LOW7);
    }

    /** Eight bytes at {@code pos} as a little-endian long, zero-padded past the end of the array. */
    private static long word(byte[] b, int pos) {
        if (pos <= b.length - 8) {
            return (long) LONG.get(b, pos);
        }
        long v = 0;
        for (int i = 0; i < 8 && pos + i < b.length; i++) {
            v |= (b[pos + i] & 0xffL) << (8 * i);
        }
        return v;
    }

    /**
     * Hashes the NUL-terminated name at {@code pos} eight bytes at a time. Bit 32 of the result is set when the
     * name contains {@code ___} and so may carry a CO-RE flavor suffix; the low 32 bits are the hash.
     */
    private static long hashName(byte[] b, int pos) {
        long h = 0;
        long previousUnderscores = 0;
        boolean flavored = false;
        for (int p = pos; ; p += 8) {
            long v = word(b, p);
            long zeros = zeroBytes(v);
            long valid = zeros == 0 ? -1L : (1L << (Long.numberOfTrailingZeros(zeros) & ~7)) - 1;
            v &= valid;
            long underscores = zeroBytes(v ^ UNDERSCORES) & valid;
            long window = underscores << 16 | previousUnderscores >>> 48;
            flavored |= (underscores & underscores >>> 8 & underscores >>> 16) != 0
                    || (window & window >>> 8 & window >>> 16) != 0;
            h = (h ^ v) * 0x9e3779b97f4a7c15L;
            if (zeros != 0) {
                return (flavored ? 1L << 32 : 0) | ((h ^ h >>> 32) & 0xffffffffL);
            }
            previousUnderscores = underscores;
        }
    }
}
