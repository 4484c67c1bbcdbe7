package io.ebpf4j;

import io.ebpf4j.internal.Cpus;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RequiresKernel
class BpfMapTest {

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(v).array();
    }

    static long readU64(byte[] b, int offset) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getLong(offset);
    }

    static MapSpec hash(String name, int max) {
        return new MapSpec(name, MapType.HASH).keySize(4).valueSize(8).maxEntries(max);
    }

    @Test
    void hashMapLookupUpdateDelete() {
        try (BpfMap map = BpfMap.create(hash("test_hash", 16))) {
            byte[] value = new byte[8];
            assertThat(map.lookup(u32(1), value)).isFalse();
            map.put(u32(1), u64(42));
            assertThat(map.lookup(u32(1), value)).isTrue();
            assertThat(readU64(value, 0)).isEqualTo(42);

            assertThatThrownBy(() -> map.update(u32(1), u64(7), UpdateFlags.NO_EXIST))
                    .isInstanceOf(BpfException.class).hasMessageContaining("EEXIST");
            assertThatThrownBy(() -> map.update(u32(2), u64(7), UpdateFlags.EXIST))
                    .isInstanceOf(BpfException.class).hasMessageContaining("ENOENT");
            map.update(u32(1), u64(43), UpdateFlags.EXIST);
            assertThat(map.lookup(u32(1)).map(b -> readU64(b, 0))).contains(43L);

            byte[] next = new byte[4];
            assertThat(map.nextKey(null, next)).isTrue();
            assertThat(next).isEqualTo(u32(1));
            assertThat(map.nextKey(u32(1), next)).isFalse();

            assertThat(map.lookupAndDelete(u32(1), value)).isTrue();
            assertThat(readU64(value, 0)).isEqualTo(43);
            assertThat(map.delete(u32(1))).isFalse();
            assertThat(map.info().type()).isEqualTo(MapType.HASH);
            assertThat(map.info().name()).isEqualTo("test_hash");
            assertThat(map.info().id()).isPositive();
        }
    }

    @Test
    void byteBufferAndNativeAddressForms() {
        try (BpfMap map = BpfMap.create(hash("buffers", 4))) {
            ByteBuffer key = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
            key.position(4).putInt(4, 9);
            ByteBuffer value = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, 99);
            map.update(key, value, UpdateFlags.ANY);
            assertThat(key.position()).isEqualTo(4);
            ByteBuffer out = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
            out.position(4);
            assertThat(map.lookup(key, out)).isTrue();
            assertThat(out.getLong(4)).isEqualTo(99);

            io.ebpf4j.internal.sys.NativeBuffer k = new io.ebpf4j.internal.sys.NativeBuffer(4);
            io.ebpf4j.internal.sys.NativeBuffer v = new io.ebpf4j.internal.sys.NativeBuffer(8);
            k.buffer().putInt(0, 9);
            assertThat(map.lookup(k.address(), v.address())).isTrue();
            assertThat(v.buffer().getLong(0)).isEqualTo(99);
            assertThat(map.delete(k.address())).isTrue();
            assertThat(map.lookup(k.address(), v.address())).isFalse();
        }
    }

    @Test
    void arrayAndFullMap() {
        try (BpfMap array = BpfMap.create(new MapSpec("arr", MapType.ARRAY).keySize(4).valueSize(8).maxEntries(4))) {
            byte[] value = new byte[8];
            assertThat(array.lookup(u32(3), value)).isTrue(); // array slots always exist, zeroed
            assertThat(readU64(value, 0)).isZero();
            array.put(u32(3), u64(5));
            assertThat(array.lookup(u32(3)).map(b -> readU64(b, 0))).contains(5L);
            assertThat(array.lookup(u32(4), value)).isFalse();
            assertThatThrownBy(() -> array.put(u32(4), u64(1))).isInstanceOf(BpfException.class);
        }
        try (BpfMap small = BpfMap.create(hash("small", 2))) {
            small.put(u32(1), u64(1));
            small.put(u32(2), u64(2));
            assertThatThrownBy(() -> small.put(u32(3), u64(3))).isInstanceOf(BpfException.class)
                    .hasMessageContaining("full").extracting(e -> ((BpfException) e).errnoName()).isEqualTo("E2BIG");
        }
    }

    @Test
    @RequiresKernel(mapTypes = {MapType.PERCPU_HASH, MapType.PERCPU_ARRAY, MapType.LRU_PERCPU_HASH})
    void perCpuValuesCoverEveryPossibleCpu() {
        int cpus = Cpus.possible();
        assertThat(cpus).isPositive();
        for (MapType type : new MapType[] {MapType.PERCPU_HASH, MapType.PERCPU_ARRAY, MapType.LRU_PERCPU_HASH}) {
            try (BpfMap map = BpfMap.create(new MapSpec("percpu", type).keySize(4).valueSize(4).maxEntries(8))) {
                assertThat(map.valueBufferSize()).isEqualTo(8 * cpus); // 4-byte values padded to 8 per CPU
                ByteBuffer value = ByteBuffer.allocate(map.valueBufferSize()).order(ByteOrder.nativeOrder());
                for (int cpu = 0; cpu < cpus; cpu++) {
                    value.putInt(cpu * 8, 100 + cpu);
                }
                map.put(u32(1), value.array());
                byte[] out = new byte[map.valueBufferSize()];
                assertThat(map.lookup(u32(1), out)).isTrue();
                ByteBuffer read = ByteBuffer.wrap(out).order(ByteOrder.nativeOrder());
                for (int cpu = 0; cpu < cpus; cpu++) {
                    assertThat(read.getInt(cpu * 8)).as("%s cpu %d", type, cpu).isEqualTo(100 + cpu);
                }
                assertThat(map.typed(Codecs.u32(), Codecs.s32()).getPerCpu(1L).orElseThrow())
                        .hasSize(cpus).startsWith(100);
            }
        }
        try (BpfMap map = BpfMap.create(new MapSpec("pc", MapType.PERCPU_HASH).keySize(4).valueSize(4)
                .maxEntries(2))) {
            assertThatThrownBy(() -> map.put(u32(1), new byte[4])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("possible CPUs");
        }
    }

    @Test
    @RequiresKernel(mapTypes = MapType.LRU_HASH)
    void lruHashEvictsInsteadOfFailing() {
        try (BpfMap map = BpfMap.create(new MapSpec("lru", MapType.LRU_HASH).keySize(4).valueSize(8)
                .maxEntries(64))) {
            for (int i = 0; i < 1000; i++) {
                map.put(u32(i), u64(i));
            }
            assertThat(map.lookup(u32(999)).map(b -> readU64(b, 0))).contains(999L);
            assertThat(map.toMap().size()).isLessThanOrEqualTo(64 + Cpus.possible() * 64);
        }
    }

    @Test
    @RequiresKernel(mapTypes = MapType.LPM_TRIE)
    void lpmTrieMatchesLongestPrefix() {
        try (BpfMap trie = BpfMap.create(new MapSpec("lpm", MapType.LPM_TRIE).keySize(8).valueSize(8)
                .maxEntries(16).flags(MapFlags.NO_PREALLOC))) {
            trie.put(lpmKey(8, 10, 0, 0, 0), u64(8));
            trie.put(lpmKey(16, 10, 1, 0, 0), u64(16));
            assertThat(trie.lookup(lpmKey(32, 10, 1, 2, 3)).map(b -> readU64(b, 0))).contains(16L);
            assertThat(trie.lookup(lpmKey(32, 10, 9, 9, 9)).map(b -> readU64(b, 0))).contains(8L);
            assertThat(trie.lookup(lpmKey(32, 11, 0, 0, 1))).isEmpty();
        }
    }

    private static byte[] lpmKey(int prefix, int a, int b, int c, int d) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(prefix)
                .put((byte) a).put((byte) b).put((byte) c).put((byte) d).array();
    }

    @Test
    @RequiresKernel(mapTypes = {MapType.QUEUE, MapType.STACK})
    void queueAndStackOrder() {
        try (BpfMap queue = BpfMap.create(new MapSpec("q", MapType.QUEUE).valueSize(8).maxEntries(4));
                BpfMap stack = BpfMap.create(new MapSpec("s", MapType.STACK).valueSize(8).maxEntries(4))) {
            for (long i = 1; i <= 3; i++) {
                queue.push(u64(i));
                stack.push(u64(i));
            }
            byte[] v = new byte[8];
            assertThat(queue.peek(v)).isTrue();
            assertThat(readU64(v, 0)).isEqualTo(1);
            assertThat(queue.pop(v)).isTrue();
            assertThat(readU64(v, 0)).isEqualTo(1);
            assertThat(stack.pop(v)).isTrue();
            assertThat(readU64(v, 0)).isEqualTo(3);
            assertThat(queue.pop(v) && queue.pop(v)).isTrue();
            assertThat(queue.pop(v)).isFalse();
        }
    }

    @Test
    @RequiresKernel(mapTypes = MapType.BLOOM_FILTER)
    void bloomFilterMembership() {
        try (BpfMap bloom = BpfMap.create(new MapSpec("bloom", MapType.BLOOM_FILTER).valueSize(8).maxEntries(100))) {
            bloom.push(u64(42));
            assertThat(bloom.peek(u64(42))).isTrue();
            int falsePositives = 0;
            for (int i = 1000; i < 1100; i++) {
                if (bloom.peek(u64(i))) {
                    falsePositives++;
                }
            }
            assertThat(falsePositives).isLessThan(20);
        }
    }

    @Test
    @RequiresKernel(mapTypes = {MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS})
    void mapsOfMapsHoldInnerMaps() {
        MapSpec inner = new MapSpec("inner", MapType.ARRAY).keySize(4).valueSize(8).maxEntries(1);
        for (MapType type : new MapType[] {MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS}) {
            try (BpfMap outer = BpfMap.create(new MapSpec("outer", type).keySize(4).valueSize(4).maxEntries(2)
                    .innerMap(inner));
                    BpfMap member = BpfMap.create(inner.copy())) {
                outer.put(u32(0), u32(member.fd()));
                byte[] id = new byte[4];
                assertThat(outer.lookup(u32(0), id)).isTrue();
                // User space reads back the inner map's id, not the fd it wrote.
                assertThat(ByteBuffer.wrap(id).order(ByteOrder.nativeOrder()).getInt()).isEqualTo(member.info().id());
            }
        }
        assertThatThrownBy(() -> BpfMap.create(new MapSpec("outer", MapType.ARRAY_OF_MAPS).keySize(4).valueSize(4)
                .maxEntries(1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inner map");
    }

    @Test
    @RequiresKernel(mapTypes = {MapType.STACK_TRACE, MapType.RINGBUF, MapType.PERF_EVENT_ARRAY, MapType.DEVMAP,
            MapType.CPUMAP, MapType.SOCKMAP})
    void specialMapTypesAreCreatedAndWritable() {
        try (BpfMap stacks = BpfMap.create(new MapSpec("stacks", MapType.STACK_TRACE).keySize(4).valueSize(8 * 16)
                .maxEntries(16))) {
            assertThat(stacks.lookup(u32(0))).isEmpty();
        }
        try (BpfMap ring = BpfMap.create(new MapSpec("ring", MapType.RINGBUF).maxEntries(64 * 1024))) {
            assertThat(ring.info().maxEntries()).isEqualTo(64 * 1024);
        }
        try (BpfMap perf = BpfMap.create(new MapSpec("perf", MapType.PERF_EVENT_ARRAY).keySize(4).valueSize(4))) {
            assertThat(perf.maxEntries()).isEqualTo(Cpus.possible());
        }
        try (BpfMap devmap = BpfMap.create(new MapSpec("dev", MapType.DEVMAP).keySize(4).valueSize(4)
                .maxEntries(4))) {
            devmap.put(u32(0), u32(1)); // ifindex 1 = lo
            assertThat(devmap.lookup(u32(0))).hasValueSatisfying(v -> assertThat(v).isEqualTo(u32(1)));
        }
        try (BpfMap cpumap = BpfMap.create(new MapSpec("cpu", MapType.CPUMAP).keySize(4).valueSize(4)
                .maxEntries(Cpus.possible()))) {
            cpumap.put(u32(0), u32(192)); // queue size
            assertThat(cpumap.lookup(u32(0))).hasValueSatisfying(v -> assertThat(v).isEqualTo(u32(192)));
        }
        try (BpfMap sockmap = BpfMap.create(new MapSpec("sock", MapType.SOCKMAP).keySize(4).valueSize(4)
                .maxEntries(2))) {
            int udp = LibC.socket(2 /* AF_INET */, 2 /* SOCK_DGRAM */ | LibC.SOCK_CLOEXEC, 0);
            assertThat(udp).isPositive();
            try {
                // sockmap accepts only bound (hashed) UDP sockets
                io.ebpf4j.internal.sys.NativeBuffer addr = new io.ebpf4j.internal.sys.NativeBuffer(16);
                addr.buffer().putShort(0, (short) 2).put(4, (byte) 127).put(7, (byte) 1);
                assertThat(LibC.bind(udp, addr.address(), 16)).isZero();
                sockmap.put(u32(0), u32(udp));
                assertThat(sockmap.delete(u32(0))).isTrue();
            } finally {
                LibC.close(udp);
            }
        }
    }

    @Test
    void iteratorVisitsEveryEntryOnce() {
        try (BpfMap map = BpfMap.create(hash("iter", 1000))) {
            for (int i = 0; i < 1000; i++) {
                map.put(u32(i), u64(i * 2L));
            }
            MapIterator it = map.iterator();
            byte[] key = new byte[4];
            byte[] value = new byte[8];
            Set<Integer> seen = new HashSet<>();
            while (it.next(key, value)) {
                int k = ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).getInt();
                assertThat(readU64(value, 0)).isEqualTo(k * 2L);
                assertThat(seen.add(k)).isTrue();
            }
            assertThat(seen).hasSize(1000);
        }
    }

    @Test
    void iteratorTerminatesWhileAnotherThreadDeletes() throws Exception {
        int n = 100_000;
        try (BpfMap map = BpfMap.create(hash("iterdel", n))) {
            byte[] keys = new byte[n * 4];
            byte[] values = new byte[n * 8];
            ByteBuffer kb = ByteBuffer.wrap(keys).order(ByteOrder.nativeOrder());
            ByteBuffer vb = ByteBuffer.wrap(values).order(ByteOrder.nativeOrder());
            for (int i = 0; i < n; i++) {
                kb.putInt(i * 4, i);
                vb.putLong(i * 8, i);
            }
            assertThat(map.batchUpdate(keys, values, n, UpdateFlags.ANY)).isEqualTo(n);
            Thread deleter = new Thread(() -> {
                for (int i = 0; i < n; i += 2) {
                    map.delete(u32(i));
                }
            });
            deleter.start();
            MapIterator it = map.iterator();
            byte[] key = new byte[4];
            byte[] value = new byte[8];
            long visited = 0;
            try {
                while (it.next(key, value)) {
                    visited++;
                    int k = ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).getInt();
                    assertThat(readU64(value, 0)).isEqualTo(k);
                }
            } catch (IterationAbortedException e) {
                assertThat(e).hasMessageContaining("modified concurrently");
            }
            deleter.join();
            assertThat(visited).isPositive().isLessThanOrEqualTo(n);
            assertThat(map.toMap()).hasSize(n / 2);
        }
    }

    @Test
    void batchOperationsOnAMillionEntries() {
        int n = 1_000_000;
        try (BpfMap map = BpfMap.create(hash("batch", n))) {
            byte[] keys = new byte[n * 4];
            byte[] values = new byte[n * 8];
            ByteBuffer kb = ByteBuffer.wrap(keys).order(ByteOrder.nativeOrder());
            ByteBuffer vb = ByteBuffer.wrap(values).order(ByteOrder.nativeOrder());
            for (int i = 0; i < n; i++) {
                kb.putInt(i * 4, i);
                vb.putLong(i * 8, 3L * i);
            }
            assertThat(map.batchUpdate(keys, values, n, UpdateFlags.ANY)).isEqualTo(n);

            BatchCursor cursor = map.batchCursor(8192);
            long count = 0;
            long sum = 0;
            boolean[] seen = new boolean[n];
            while (map.batchLookup(cursor)) {
                for (int i = 0; i < cursor.count(); i++) {
                    int k = cursor.keys().getInt(cursor.keyOffset(i));
                    long v = cursor.values().getLong(cursor.valueOffset(i));
                    assertThat(v).isEqualTo(3L * k);
                    assertThat(seen[k]).isFalse();
                    seen[k] = true;
                    count++;
                    sum += v;
                }
            }
            assertThat(count).isEqualTo(n);
            assertThat(sum).isEqualTo(3L * n * (n - 1) / 2);

            assertThat(map.batchDelete(keys, n / 2)).isEqualTo(n / 2);
            long[] remaining = {0};
            map.forEach(e -> remaining[0]++);
            assertThat(remaining[0]).isEqualTo(n - n / 2);

            BatchCursor drain = map.batchCursor(4096);
            long drained = 0;
            while (map.batchLookupAndDelete(drain)) {
                drained += drain.count();
            }
            assertThat(drained).isEqualTo(n - n / 2);
            assertThat(map.nextKey(null, new byte[4])).isFalse();
        }
    }

    @Test
    void pinnedMapIsReopenedWithItsContents(@TempDir Path unused) throws Exception {
        Path dir = Path.of("/sys/fs/bpf", "ebpf4j-test-" + UUID.randomUUID());
        Files.createDirectories(dir);
        String path = dir.resolve("pinned").toString();
        try {
            try (BpfMap map = BpfMap.create(hash("pinned", 8))) {
                map.put(u32(7), u64(77));
                map.pin(path);
                assertThat(map.pinnedPath()).contains(path);
            }
            try (BpfMap reopened = BpfMap.loadPinned(path)) {
                assertThat(reopened.name()).isEqualTo("pinned");
                assertThat(reopened.type()).isEqualTo(MapType.HASH);
                assertThat(reopened.lookup(u32(7)).map(b -> readU64(b, 0))).contains(77L);
                try (BpfMap readOnly = BpfMap.loadPinned(path, PinAccess.READ_ONLY)) {
                    assertThat(readOnly.lookup(u32(7))).isPresent();
                    assertThatThrownBy(() -> readOnly.put(u32(8), u64(1))).isInstanceOf(BpfException.class)
                            .hasMessageContaining("EPERM");
                }
                reopened.unpin();
            }
            assertThat(Files.exists(Path.of(path))).isFalse();
            assertThatThrownBy(() -> BpfMap.loadPinned(path)).isInstanceOf(BpfException.class)
                    .hasMessageContaining("no pinned object");
        } finally {
            Files.deleteIfExists(Path.of(path));
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void pinningOutsideBpffsIsExplained(@TempDir Path tmp) {
        try (BpfMap map = BpfMap.create(hash("nopin", 1))) {
            assertThatThrownBy(() -> map.pin(tmp.resolve("x").toString())).isInstanceOf(BpfException.class)
                    .hasMessageContaining("not on a BPF file system").hasMessageContaining("mount -t bpf");
        }
    }

    @Test
    void frozenMapRefusesUserWrites() {
        try (BpfMap map = BpfMap.create(new MapSpec("frozen", MapType.ARRAY).keySize(4).valueSize(8).maxEntries(1)
                .contents(java.util.List.of(new MapSpec.Entry(0, u64(5)))).freeze(true))) {
            assertThat(map.lookup(u32(0)).map(b -> readU64(b, 0))).contains(5L);
            assertThatThrownBy(() -> map.put(u32(0), u64(6))).isInstanceOf(BpfException.class)
                    .hasMessageContaining("frozen");
        }
    }

    @Test
    void mmapedArrayAndLookupSeeTheSameMemory() {
        try (BpfMap map = BpfMap.create(new MapSpec("mm", MapType.ARRAY).keySize(4).valueSize(8).maxEntries(16)
                .flags(MapFlags.MMAPABLE));
                MappedArray mem = map.mmap()) {
            mem.putLong(8 * 3, 1234);
            assertThat(map.lookup(u32(3)).map(b -> readU64(b, 0))).contains(1234L);
            map.put(u32(5), u64(555));
            assertThat(mem.getLong(8 * 5)).isEqualTo(555);
            assertThatThrownBy(() -> mem.getLong(8 * 16)).isInstanceOf(IndexOutOfBoundsException.class);
            mem.close();
            assertThatThrownBy(() -> mem.getLong(0)).isInstanceOf(BpfException.class).hasMessageContaining("closed");
        }
    }

    @Test
    void fromIdAndCloneAreIndependentHandles() {
        try (BpfMap map = BpfMap.create(hash("handles", 2))) {
            map.put(u32(1), u64(11));
            try (BpfMap byId = BpfMap.fromId(map.info().id()); BpfMap copy = map.clone();
                    BpfMap byFd = BpfMap.fromFd(map.fd())) {
                assertThat(byId.lookup(u32(1))).isPresent();
                assertThat(byFd.info().id()).isEqualTo(map.info().id());
                copy.close();
                assertThat(map.lookup(u32(1))).isPresent();
            }
            map.close();
            assertThatThrownBy(() -> map.lookup(u32(1))).isInstanceOf(BpfException.class)
                    .hasMessageContaining("closed");
        }
    }

    @Test
    void typedViews() {
        try (BpfMap map = BpfMap.create(new MapSpec("typed", MapType.HASH).keySize(16).valueSize(8)
                .maxEntries(4))) {
            TypedMap<String, Long> typed = map.typed(Codecs.string(16), Codecs.u64());
            typed.put("java", 17L);
            assertThat(typed.get("java")).contains(17L);
            assertThat(typed.toMap()).containsEntry("java", 17L);
            assertThat(typed.remove("java")).isTrue();
            assertThat(typed.get("java")).isEmpty();
            assertThatThrownBy(() -> map.typed(Codecs.u32(), Codecs.u64())).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void malformedInputIsRejectedBeforeAnySyscall() {
        assertThatThrownBy(() -> BpfMap.create(new MapSpec("bad", MapType.HASH).keySize(0).valueSize(8)
                .maxEntries(1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key size");
        assertThatThrownBy(() -> BpfMap.create(new MapSpec("bad", MapType.ARRAY).keySize(8).valueSize(8)
                .maxEntries(1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key size must be 4");
        assertThatThrownBy(() -> BpfMap.create(new MapSpec("bad", MapType.RINGBUF).maxEntries(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size (max entries) must be positive");
        assertThatThrownBy(() -> BpfMap.create(new MapSpec("bad", MapType.LPM_TRIE).keySize(8).valueSize(8)
                .maxEntries(1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NO_PREALLOC");
        try (BpfMap map = BpfMap.create(hash("sizes", 1))) {
            assertThatThrownBy(() -> map.put(new byte[3], new byte[8])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("key must be 4 bytes, got 3");
            assertThatThrownBy(() -> map.lookup(new byte[4], new byte[7])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("value must be 8 bytes");
        }
    }

    @Test
    void noDescriptorLeaksAcrossCreateCloseAndFailures() {
        // Warm up lazily opened descriptors (JNA, probes) before counting.
        BpfMap.create(hash("warm", 1)).close();
        FdCount.Snapshot before = FdCount.snapshot();
        for (int i = 0; i < 1000; i++) {
            try (BpfMap map = BpfMap.create(hash("cycle", 4))) {
                map.put(u32(i), u64(i));
            }
        }
        for (int i = 0; i < 100; i++) {
            assertThatThrownBy(() -> BpfMap.create(new MapSpec("fail", MapType.HASH).keySize(4).valueSize(8)
                    .maxEntries(1).flags(1 << 30))).isInstanceOf(BpfException.class);
            assertThatThrownBy(() -> BpfMap.loadPinned("/sys/fs/bpf/does-not-exist"))
                    .isInstanceOf(BpfException.class);
        }
        assertThat(before.openedSince()).isEmpty();
    }

    @Test
    @RequiresKernel(mapTypes = {MapType.TASK_STORAGE, MapType.SK_STORAGE, MapType.CGRP_STORAGE})
    void localStorageMapsAreKeyedByDescriptorsAndNeedBtf() throws Exception {
        io.ebpf4j.btf.Int intType = new io.ebpf4j.btf.Int("int", 4, io.ebpf4j.btf.Int.Encoding.SIGNED);
        io.ebpf4j.btf.Int u64Type = new io.ebpf4j.btf.Int("unsigned long long", 8, io.ebpf4j.btf.Int.Encoding.UNSIGNED);
        int pidfd = (int) LibC.syscall(io.ebpf4j.internal.sys.Arch.current().sysPidfdOpen,
                ProcessHandle.current().pid(), 0, 0, 0, 0);
        int socket = LibC.socket(2 /* AF_INET */, 2 /* SOCK_DGRAM */ | LibC.SOCK_CLOEXEC, 0);
        java.nio.file.Path cgroup2 = io.ebpf4j.internal.Mounts.find(io.ebpf4j.internal.Mounts.CGROUP2).orElseThrow();
        io.ebpf4j.internal.sys.NativeBuffer path = new io.ebpf4j.internal.sys.NativeBuffer(256);
        int cgroupFd = LibC.open(path.putCString(cgroup2.toString()), LibC.O_RDONLY | LibC.O_DIRECTORY
                | LibC.O_CLOEXEC, 0);
        assertThat(pidfd).isPositive();
        assertThat(socket).isPositive();
        assertThat(cgroupFd).isPositive();
        try {
            int[] keys = {pidfd, socket, cgroupFd};
            MapType[] types = {MapType.TASK_STORAGE, MapType.SK_STORAGE, MapType.CGRP_STORAGE};
            for (int i = 0; i < types.length; i++) {
                MapSpec spec = new MapSpec("storage", types[i]).keySize(4).valueSize(8).maxEntries(0)
                        .flags(MapFlags.NO_PREALLOC);
                MapType type = types[i];
                assertThatThrownBy(() -> BpfMap.create(spec.copy())).as("%s without BTF", type)
                        .isInstanceOf(BpfException.class).hasMessageContaining("needs BTF");
                try (BpfMap map = BpfMap.create(spec.keyType(intType).valueType(u64Type))) {
                    map.put(u32(keys[i]), u64(100 + i));
                    assertThat(map.lookup(u32(keys[i])).map(b -> readU64(b, 0))).as("%s", type).contains(100L + i);
                    assertThat(map.info().btfValueTypeId()).isPositive();
                    assertThat(map.delete(u32(keys[i]))).isTrue();
                    assertThat(map.lookup(u32(keys[i]))).isEmpty();
                }
            }
        } finally {
            LibC.close(pidfd);
            LibC.close(socket);
            LibC.close(cgroupFd);
        }
    }

}
