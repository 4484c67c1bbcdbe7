package io.ebpf4j.spring.metrics;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-read key lookup: every key size, padding masks, growth and sweeps. */
class KeyTableTest {
    private static ByteBuffer keys(int keySize, int count, long seed) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(1, keySize * count)).order(ByteOrder.nativeOrder());
        Random random = new Random(seed);
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < keySize; j++) {
                b.put(i * keySize + j, (byte) random.nextInt());
            }
            if (keySize >= 4) {
                b.putInt(i * keySize, i); // distinct keys
            }
        }
        return b;
    }

    @Test
    void findsEveryKeyOfEverySize() {
        for (int keySize : new int[] {4, 1, 2, 3, 6, 8, 12, 16, 20, 37}) {
            int count = keySize >= 4 ? 5000 : keySize == 1 ? 256 : keySize == 2 ? 5000 : 5000;
            ByteBuffer b = keys(keySize, count, keySize);
            KeyTable<Integer> table = new KeyTable<>(keySize, null);
            long[] probe = table.newProbe();
            for (int i = 0; i < count; i++) {
                table.load(b, i * keySize, probe);
                if (table.get(probe) == null) {
                    table.put(probe, i);
                }
            }
            for (int i = 0; i < count; i++) {
                table.load(b, i * keySize, probe);
                Integer first = table.get(probe);
                assertThat(first).as("key size %d, key %d", keySize, i).isNotNull();
                byte[] expected = new byte[keySize];
                byte[] found = new byte[keySize];
                b.get(i * keySize, expected);
                b.get(first * keySize, found);
                assertThat(found).isEqualTo(expected);
            }
        }
    }

    @Test
    void bytesOutsideTheMaskDoNotMatter() {
        byte[] mask = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff, 0};
        KeyTable<String> table = new KeyTable<>(11, mask);
        long[] probe = table.newProbe();
        ByteBuffer a = ByteBuffer.wrap(new byte[] {1, 2, 3, 0, 5, 6, 7, 8, 9, 10, 0}).order(ByteOrder.nativeOrder());
        ByteBuffer b = ByteBuffer.wrap(new byte[] {1, 2, 3, 99, 5, 6, 7, 8, 9, 10, 77}).order(ByteOrder.nativeOrder());
        ByteBuffer c = ByteBuffer.wrap(new byte[] {1, 2, 3, 0, 5, 6, 7, 8, 9, 11, 0}).order(ByteOrder.nativeOrder());
        table.load(a, 0, probe);
        table.put(probe, "a");
        table.load(b, 0, probe);
        assertThat(table.get(probe)).isEqualTo("a");
        table.load(c, 0, probe);
        assertThat(table.get(probe)).isNull();
    }

    @Test
    void sweepsKeepTheRest() {
        KeyTable<Integer> table = new KeyTable<>(8, null);
        long[] probe = table.newProbe();
        ByteBuffer key = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        for (int i = 0; i < 1000; i++) {
            table.load(key.putLong(0, i), 0, probe);
            table.put(probe, i);
        }
        table.removeIf(v -> v % 2 == 0);
        assertThat(table.size()).isEqualTo(500);
        for (int i = 0; i < 1000; i++) {
            table.load(key.putLong(0, i), 0, probe);
            assertThat(table.get(probe)).isEqualTo(i % 2 == 0 ? null : i);
        }
        table.clear();
        assertThat(table.size()).isZero();
    }

    @Test
    void zeroByteKeysAreOneKey() {
        KeyTable<String> table = new KeyTable<>(0, null);
        long[] probe = table.newProbe();
        table.load(ByteBuffer.allocate(1), 0, probe);
        table.put(probe, "only");
        table.load(ByteBuffer.allocate(8), 3, probe);
        assertThat(table.get(probe)).isEqualTo("only");
    }

    /** Walks that see the keys in the same order, in another order, and after removals all find what get finds. */
    @Test
    void aWalkFindsWhatALookupFindsWhateverTheOrder() {
        int keySize = 12;
        int count = 3000;
        ByteBuffer b = keys(keySize, count, 7);
        KeyTable<Integer> table = new KeyTable<>(keySize, null);
        long[] probe = table.newProbe();
        for (int i = 0; i < count; i++) {
            table.load(b, i * keySize, probe);
            table.put(probe, i);
        }
        Random random = new Random(3);
        for (int walk = 0; walk < 6; walk++) {
            int shift = walk % 2 == 0 ? 0 : random.nextInt(count); // the same order, or a rotated one
            for (int position = 0; position < count; position++) {
                int key = (position + shift) % count;
                table.load(b, key * keySize, probe);
                Integer found = table.getInWalk(position, probe);
                assertThat(found).isEqualTo(key % 3 == 0 && walk >= 4 ? null : key);
            }
            if (walk == 3) {
                table.removeIf(v -> v % 3 == 0);
            }
        }
        table.load(b, 5 * keySize, probe);
        table.put(probe, -5); // a replaced value is not found at its old position
        assertThat(table.getInWalk(5, probe)).isEqualTo(-5);
    }
}
