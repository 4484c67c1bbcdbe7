package io.ebpf4j.spring.metrics;

import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.btf.Struct;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.ebpf4j.spring.metrics.TestMaps.U16;
import static io.ebpf4j.spring.metrics.TestMaps.U32;
import static io.ebpf4j.spring.metrics.TestMaps.U64;
import static io.ebpf4j.spring.metrics.TestMaps.U8;
import static io.ebpf4j.spring.metrics.TestMaps.bytes;
import static io.ebpf4j.spring.metrics.TestMaps.field;
import static io.ebpf4j.spring.metrics.TestMaps.member;
import static io.ebpf4j.spring.metrics.TestMaps.metric;
import static io.ebpf4j.spring.metrics.TestMaps.sized;
import static io.ebpf4j.spring.metrics.TestMaps.struct;
import static io.ebpf4j.spring.metrics.TestMaps.u64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keys cut into labels by size/padding (ebpf_exporter) and by BTF member. */
class KeyLayoutTest {
    /** struct key { u32 pid; u16 proto; u8 dir; (u8 pad) } */
    private static final Struct KEY = struct("key", 8, member("pid", U32, 0), member("proto", U16, 4),
            member("dir", U8, 6));
    private static final MapSpec MAP = TestMaps.map(MapType.HASH, 8, 8, KEY, U64);

    private static byte[] key(int pid, int proto, int dir, int padding) {
        return bytes(8, b -> b.putInt(pid).putShort((short) proto).put((byte) dir).put((byte) padding));
    }

    private final EbpfMetricsProperties.Metrics shared = new EbpfMetricsProperties.Metrics();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private ValueFamily counter(EbpfMetricsProperties.Label... labels) {
        ValueFamily family = TestMaps.values(ValueFamily.Kind.COUNTER, metric(new EbpfMetricsProperties.Counter(), "packets",
                labels), MAP, shared);
        family.bindTo(registry);
        return family;
    }

    @Test
    void sizesAndPaddingsCutTheKeyInOrderLikeEbpfExporter() {
        ValueFamily family = counter(sized("pid", 4, 0), sized("proto", 2, 0), sized("dir", 1, 1));
        new TestMaps.Feeder(family).put(key(42, 6, 1, 0), u64(5)).read(1);
        assertThat(registry.get("ebpf.packets").tags("pid", "42", "proto", "6", "dir", "1", "collection", "test")
                .functionCounter().count()).isEqualTo(5);
    }

    @Test
    void sizesMustCoverTheKey() {
        assertThatThrownBy(() -> counter(sized("pid", 4, 0), sized("proto", 2, 0)))
                .hasMessageContaining("add up to 6 bytes, but the key has 8");
    }

    @Test
    void btfFieldsTakeOffsetsAndSizesFromTheKeyType() {
        ValueFamily family = counter(field("direction", "dir"), field("pid", "pid"));
        new TestMaps.Feeder(family).put(key(7, 17, 0, 0), u64(3)).read(1);
        assertThat(registry.get("ebpf.packets").tags("pid", "7", "direction", "0").functionCounter().count())
                .isEqualTo(3);
    }

    @Test
    void bytesNoLabelCoversAreIgnoredSoPaddingGarbageDoesNotSplitSeries() {
        ValueFamily family = counter(field("pid", "pid"), field("proto", "proto"), field("dir", "dir"));
        new TestMaps.Feeder(family).put(key(1, 6, 0, 0), u64(2)).put(key(1, 6, 0, 0xaa), u64(3)).read(1);
        assertThat(registry.get("ebpf.packets").functionCounter().count()).isEqualTo(5);
        assertThat(family.seriesCount()).isEqualTo(1);
    }

    @Test
    void aFieldSizeGivenAlsoMustAgreeWithBtf() {
        EbpfMetricsProperties.Label label = field("pid", "pid");
        label.setSize(8);
        assertThatThrownBy(() -> counter(label)).hasMessageContaining("size 8 disagrees with field 'pid' (4 bytes");
    }

    @Test
    void unknownFieldsListTheMembers() {
        assertThatThrownBy(() -> counter(field("x", "nope")))
                .hasMessageContaining("has no member 'nope'").hasMessageContaining("[pid, proto, dir]");
    }

    @Test
    void fieldsNeedBtf() {
        MapSpec noBtf = TestMaps.map(MapType.HASH, 8, 8, null, null);
        assertThatThrownBy(() -> TestMaps.values(ValueFamily.Kind.COUNTER, metric(new EbpfMetricsProperties.Counter(), "p",
                field("pid", "pid")), noBtf, shared)).hasMessageContaining("need the map's BTF key type");
    }

    @Test
    void sizeAndFieldLabelsDoNotMix() {
        assertThatThrownBy(() -> counter(field("pid", "pid"), sized("rest", 4, 0)))
                .hasMessageContaining("all use 'field' or all use 'size'");
    }

    @Test
    void reservedTagNamesAreRefused() {
        assertThatThrownBy(() -> counter(field("collection", "pid"))).hasMessageContaining("reserved");
    }

    @Test
    void withoutLabelsEveryKeyAddsUpIntoOneSeries() {
        ValueFamily family = counter();
        new TestMaps.Feeder(family).put(key(1, 0, 0, 0), u64(2)).put(key(2, 0, 0, 0), u64(3)).read(1);
        assertThat(registry.get("ebpf.packets").tags("collection", "test").functionCounter().count()).isEqualTo(5);
    }

    @Test
    void histogramsTakeTheBucketFromTheLastLabelOrABtfField() {
        Struct histKey = struct("hist_key", 16, member("dev", U32, 0), member("bucket", U64, 8));
        MapSpec map = TestMaps.map(MapType.HASH, 16, 8, histKey, U64);
        EbpfMetricsProperties.Histogram bySize = metric(new EbpfMetricsProperties.Histogram(), "io", sized("dev", 4, 4),
                sized("bucket", 8, 0));
        bySize.setBucketMax(3);
        KeyLayout sizes = TestMaps.definition(bySize, map, shared, TestMaps.decoders()).keys();
        EbpfMetricsProperties.Histogram byField = metric(new EbpfMetricsProperties.Histogram(), "io", field("dev", "dev"));
        byField.setBucketField("bucket");
        byField.setBucketMax(3);
        KeyLayout fields = TestMaps.definition(byField, map, shared, TestMaps.decoders()).keys();
        byte[] key = bytes(16, b -> b.putInt(8).putInt(0).putLong(3));
        for (KeyLayout layout : List.of(sizes, fields)) {
            assertThat(layout.labels()).extracting(KeyLayout.Slice::name).containsExactly("dev");
            assertThat(layout.bucket(key)).isEqualTo(3);
        }
        EbpfMetricsProperties.Histogram mixed = metric(new EbpfMetricsProperties.Histogram(), "io", sized("dev", 8, 0));
        mixed.setBucketField("bucket");
        assertThatThrownBy(() -> TestMaps.definition(mixed, map, shared, TestMaps.decoders()))
                .hasMessageContaining("'bucket-field' needs labels given by 'field'");
    }

    @Test
    void bitfieldsCannotBeLabels() {
        Struct flags = new Struct("flags", 4, new ArrayList<>(List.of(new io.ebpf4j.btf.Member("a", U32, 0, 3))));
        MapSpec map = TestMaps.map(MapType.HASH, 4, 8, flags, U64);
        assertThatThrownBy(() -> TestMaps.values(ValueFamily.Kind.COUNTER, metric(new EbpfMetricsProperties.Counter(), "f",
                field("a", "a")), map, shared)).hasMessageContaining("bitfield");
    }
}
