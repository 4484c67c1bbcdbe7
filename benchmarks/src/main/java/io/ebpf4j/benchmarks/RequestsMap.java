package io.ebpf4j.benchmarks;

import io.ebpf4j.BatchCursor;
import io.ebpf4j.BpfMap;
import io.ebpf4j.UpdateFlags;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The map both scrape benchmarks publish: {@value #KEYS} keys of two u32 labels (100 x 100) with u64 values, and the
 * baseline they are measured against, the raw batch dump of the same map.
 */
final class RequestsMap {
    static final int KEYS = 10_000;

    private RequestsMap() {}

    static void fill(BpfMap map) {
        ByteBuffer keys = ByteBuffer.allocate(KEYS * 8).order(ByteOrder.nativeOrder());
        ByteBuffer values = ByteBuffer.allocate(KEYS * 8).order(ByteOrder.nativeOrder());
        for (int i = 0; i < KEYS; i++) {
            keys.putInt(i % 100).putInt(i / 100);
            values.putLong(i * 1000L);
        }
        map.batchUpdate(keys.array(), values.array(), KEYS, UpdateFlags.ANY);
    }

    /** {@code BPF_MAP_LOOKUP_BATCH} over the whole map, every value consumed. */
    static long dump(BpfMap map, BatchCursor cursor) {
        long sum = 0;
        cursor.reset();
        while (map.batchLookup(cursor)) {
            ByteBuffer values = cursor.values();
            for (int i = 0; i < cursor.count(); i++) {
                sum += values.getLong(cursor.valueOffset(i));
            }
        }
        return sum;
    }
}
