package io.ebpf4j.spring.metrics;

import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.btf.Int;
import io.ebpf4j.btf.Member;
import io.ebpf4j.btf.Struct;
import io.ebpf4j.btf.Type;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.ManagedCollection;

import io.ebpf4j.spring.metrics.MapMetricFamily.Definition;

import io.micrometer.core.instrument.Clock;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Hand-built map specs, BTF types, metric configurations and a feeder that plays a map read into a family. */
final class TestMaps {
    static final Int U8 = new Int("__u8", 1, Int.Encoding.UNSIGNED);
    static final Int U16 = new Int("__u16", 2, Int.Encoding.UNSIGNED);
    static final Int U32 = new Int("__u32", 4, Int.Encoding.UNSIGNED);
    static final Int U64 = new Int("__u64", 8, Int.Encoding.UNSIGNED);
    static final Int S64 = new Int("__s64", 8, Int.Encoding.SIGNED);

    static final EbpfCollections NO_COLLECTIONS = new EbpfCollections() {
        @Override
        public Collection<ManagedCollection> all() {
            return List.of();
        }

        @Override
        public Optional<ManagedCollection> get(String name) {
            return Optional.empty();
        }
    };

    private TestMaps() {}

    static Member member(String name, Type type, int byteOffset) {
        return new Member(name, type, byteOffset * 8);
    }

    static Struct struct(String name, int size, Member... members) {
        return new Struct(name, size, new ArrayList<>(List.of(members)));
    }

    static MapSpec map(MapType type, int keySize, int valueSize, Type keyType, Type valueType) {
        return new MapSpec("test_map", type).keySize(keySize).valueSize(valueSize).maxEntries(1024).keyType(keyType)
                .valueType(valueType);
    }

    /** Bytes in native order written by {@code writer}. */
    static byte[] bytes(int size, Consumer<ByteBuffer> writer) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        writer.accept(b);
        return b.array();
    }

    static byte[] u32(int value) {
        return bytes(4, b -> b.putInt(value));
    }

    static byte[] u64(long value) {
        return bytes(8, b -> b.putLong(value));
    }

    static EbpfMetricsProperties.Decoder decoder(String name) {
        EbpfMetricsProperties.Decoder d = new EbpfMetricsProperties.Decoder();
        d.setName(name);
        return d;
    }

    static EbpfMetricsProperties.Label sized(String name, int size, int padding, String... decoders) {
        EbpfMetricsProperties.Label label = new EbpfMetricsProperties.Label();
        label.setName(name);
        label.setSize(size);
        label.setPadding(padding);
        label.setDecoders(new ArrayList<>(Arrays.stream(decoders).map(TestMaps::decoder).toList()));
        return label;
    }

    static EbpfMetricsProperties.Label field(String name, String field, String... decoders) {
        EbpfMetricsProperties.Label label = new EbpfMetricsProperties.Label();
        label.setName(name);
        label.setField(field);
        label.setDecoders(new ArrayList<>(Arrays.stream(decoders).map(TestMaps::decoder).toList()));
        return label;
    }

    static EbpfMetricsProperties.Value value(String field, String name) {
        EbpfMetricsProperties.Value v = new EbpfMetricsProperties.Value();
        v.setField(field);
        v.setName(name);
        return v;
    }

    /** Decoders whose system tables point nowhere (tests of those decoders build their own). */
    static LabelDecoders decoders(EbpfLabelDecoder... custom) {
        Path none = Path.of("/nonexistent");
        return new LabelDecoders(1000, SyscallTables.X86_64, none, none, none, List.of(), List.of(custom));
    }

    static <M extends EbpfMetricsProperties.MapMetric> M metric(M config, String name, EbpfMetricsProperties.Label... labels) {
        config.setName(name);
        config.setMap("test_map");
        config.setLabels(new ArrayList<>(List.of(labels)));
        return config;
    }

    static Definition definition(EbpfMetricsProperties.MapMetric config, MapSpec map, EbpfMetricsProperties.Metrics shared,
            LabelDecoders decoders) {
        String bucketField = config instanceof EbpfMetricsProperties.Histogram h ? h.getBucketField() : null;
        return Definition.compile("test", config.getName(), "ebpf." + config.getName(), config, map, bucketField,
                shared, decoders);
    }

    static MapReader reader(MapSpec map) {
        return new MapReader(NO_COLLECTIONS, "test", map.name(), EbpfMetricsProperties.Batch.AUTO, 0, Clock.SYSTEM);
    }

    static ValueFamily values(ValueFamily.Kind kind, EbpfMetricsProperties.MapMetric config, MapSpec map,
            EbpfMetricsProperties.Metrics shared) {
        return new ValueFamily(kind, definition(config, map, shared, decoders()), reader(map), false);
    }

    static HistogramFamily histogram(EbpfMetricsProperties.Histogram config, MapSpec map, EbpfMetricsProperties.Metrics shared) {
        return new HistogramFamily(definition(config, map, shared, decoders()), HistogramBuckets.of(config),
                config.getDescription(), config.getBaseUnit(), reader(map), false);
    }

    /** Plays map contents into a family as one read would. */
    static final class Feeder {
        private final MapReader.Consumer consumer;
        private final List<byte[][]> entries = new ArrayList<>();

        Feeder(MapReader.Consumer consumer) {
            this.consumer = consumer;
        }

        Feeder put(byte[] key, byte[] value) {
            entries.removeIf(e -> Arrays.equals(e[0], key));
            entries.add(new byte[][] {key, value});
            return this;
        }

        Feeder remove(byte[] key) {
            entries.removeIf(e -> Arrays.equals(e[0], key));
            return this;
        }

        /** One read at {@code nowNanos}: one batch, entries packed back to back as a batch lookup returns them. */
        void read(long nowNanos) {
            int keySize = entries.isEmpty() ? 0 : entries.get(0)[0].length;
            int valueSize = entries.isEmpty() ? 0 : entries.get(0)[1].length;
            ByteBuffer keys = ByteBuffer.allocate(Math.max(1, keySize * entries.size())).order(ByteOrder.nativeOrder());
            ByteBuffer values = ByteBuffer.allocate(Math.max(1, valueSize * entries.size()))
                    .order(ByteOrder.nativeOrder());
            for (byte[][] e : entries) {
                keys.put(e[0]);
                values.put(e[1]);
            }
            consumer.begin(nowNanos);
            consumer.acceptBatch(keys, keySize, values, valueSize, entries.size());
            consumer.end(nowNanos);
        }
    }
}
