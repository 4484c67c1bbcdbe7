package io.ebpf4j;

import io.ebpf4j.internal.Cpus;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.Scratch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A {@link BpfMap} seen through codecs. Keys and values are encoded straight into per-thread native buffers, so
 * each operation makes one syscall and allocates only the decoded result.
 */
public final class TypedMap<K, V> {
    private final BpfMap map;
    private final Codec<K> keys;
    private final Codec<V> values;

    TypedMap(BpfMap map, Codec<K> keys, Codec<V> values) {
        if (keys.size() != map.keySize()) {
            throw new IllegalArgumentException("map '" + map.name() + "': key codec is " + keys.size()
                    + " bytes, keys are " + map.keySize());
        }
        if (values.size() != map.valueSize()) {
            throw new IllegalArgumentException("map '" + map.name() + "': value codec is " + values.size()
                    + " bytes, values are " + map.valueSize());
        }
        this.map = map;
        this.keys = keys;
        this.values = values;
    }

    public BpfMap map() {
        return map;
    }

    public Optional<V> get(K key) {
        requireNotPerCpu();
        Scratch s = Scratch.get();
        NativeBuffer k = encodeKey(s, key);
        NativeBuffer v = s.value.ensure(map.valueBufferSize());
        return map.lookup(k.address(), v.address()) ? Optional.of(values.decode(v.buffer(), 0)) : Optional.empty();
    }

    /** For per-CPU maps: one value per possible CPU, or empty if the key is absent. */
    public Optional<List<V>> getPerCpu(K key) {
        Scratch s = Scratch.get();
        NativeBuffer k = encodeKey(s, key);
        NativeBuffer v = s.value.ensure(map.valueBufferSize());
        if (!map.lookup(k.address(), v.address())) {
            return Optional.empty();
        }
        return Optional.of(decodeSlots(v));
    }

    public void put(K key, V value) {
        put(key, value, UpdateFlags.ANY);
    }

    /** Writes the value; on per-CPU maps the same value goes to every CPU. */
    public void put(K key, V value, long updateFlags) {
        Scratch s = Scratch.get();
        NativeBuffer k = encodeKey(s, key);
        NativeBuffer v = s.value.ensure(map.valueBufferSize()).clear(map.valueBufferSize());
        int slot = slotSize();
        for (int cpu = 0; cpu < slots(); cpu++) {
            values.encode(value, v.buffer(), cpu * slot);
        }
        map.update(k.address(), v.address(), updateFlags);
    }

    public boolean remove(K key) {
        Scratch s = Scratch.get();
        return map.delete(encodeKey(s, key).address());
    }

    /** Every entry (per-CPU values summed is up to the caller: use {@link #forEachPerCpu}). */
    public void forEach(BiConsumer<K, V> action) {
        requireNotPerCpu();
        map.forEach(e -> action.accept(keys.decode(e.keyBuffer(), e.keyOffset()),
                values.decode(e.valueBuffer(), e.valueOffset())));
    }

    public void forEachPerCpu(BiConsumer<K, List<V>> action) {
        map.forEach(e -> {
            List<V> perCpu = new ArrayList<>(slots());
            for (int cpu = 0; cpu < slots(); cpu++) {
                perCpu.add(values.decode(e.valueBuffer(), e.valueOffset() + cpu * slotSize()));
            }
            action.accept(keys.decode(e.keyBuffer(), e.keyOffset()), perCpu);
        });
    }

    /** A copy of all entries. */
    public Map<K, V> toMap() {
        Map<K, V> out = new LinkedHashMap<>();
        forEach(out::put);
        return out;
    }

    private NativeBuffer encodeKey(Scratch s, K key) {
        NativeBuffer k = s.key.ensure(map.keySize());
        keys.encode(key, k.buffer(), 0);
        return k;
    }

    private List<V> decodeSlots(NativeBuffer v) {
        List<V> out = new ArrayList<>(slots());
        for (int cpu = 0; cpu < slots(); cpu++) {
            out.add(values.decode(v.buffer(), cpu * slotSize()));
        }
        return out;
    }

    private int slots() {
        return map.type().isPerCpu() ? Cpus.possible() : 1;
    }

    private int slotSize() {
        return MapSpec.align8(map.valueSize());
    }

    private void requireNotPerCpu() {
        if (map.type().isPerCpu()) {
            throw new IllegalStateException("map '" + map.name() + "' is per-CPU: use getPerCpu/forEachPerCpu");
        }
    }
}
