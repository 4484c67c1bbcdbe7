package io.ebpf4j.spring.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** A thread-safe least-recently-used cache holding at most a fixed number of entries. */
final class BoundedCache<K, V> {
    private final int capacity;
    private final LinkedHashMap<K, V> entries;

    BoundedCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("cache capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > BoundedCache.this.capacity;
            }
        };
    }

    synchronized V get(K key) {
        return entries.get(key);
    }

    synchronized void put(K key, V value) {
        entries.put(key, value);
    }

    /**
     * The cached value, or the computed one; {@code null} results are returned but not cached (a later call
     * retries, e.g. for an interface that may appear).
     */
    V computeIfAbsent(K key, Function<K, V> compute) {
        V cached = get(key);
        if (cached != null) {
            return cached;
        }
        V computed = compute.apply(key);
        if (computed != null) {
            put(key, computed);
        }
        return computed;
    }
}
