package io.ebpf4j;

import io.ebpf4j.btf.Array;
import io.ebpf4j.btf.Int;
import io.ebpf4j.btf.Member;
import io.ebpf4j.btf.Struct;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordCodecTest {
    static final Int U8 = new Int("unsigned char", 1, Int.Encoding.UNSIGNED);
    static final Int U16 = new Int("unsigned short", 2, Int.Encoding.UNSIGNED);
    static final Int U32 = new Int("unsigned int", 4, Int.Encoding.UNSIGNED);
    static final Int U64 = new Int("unsigned long long", 8, Int.Encoding.UNSIGNED);
    static final Int CHAR = new Int("char", 1, Int.Encoding.SIGNED);

    /** struct flow { __u32 saddr; __u16 port; __u8 proto; __u8 pad; } */
    static final Struct FLOW = new Struct("flow", 8, List.of(new Member("saddr", U32, 0),
            new Member("port", U16, 32), new Member("proto", U8, 48), new Member("pad", U8, 56)));
    /** struct stats { __u64 packets; __u64 bytes; char name[16]; } */
    static final Struct STATS = new Struct("stats", 32, List.of(new Member("packets", U64, 0),
            new Member("bytes", U64, 64), new Member("name", new Array(CHAR, U32, 16), 128)));

    record Flow(int saddr, short port, byte proto) {}

    record Stats(long packets, long bytes, String name) {}

    @Test
    void recordsFollowTheStructLayout() {
        Codec<Stats> codec = Codecs.record(Stats.class, STATS);
        assertThat(codec.size()).isEqualTo(32);
        ByteBuffer buffer = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder());
        codec.encode(new Stats(3, 1500, "eth0"), buffer, 0);
        assertThat(buffer.getLong(0)).isEqualTo(3);
        assertThat(buffer.getLong(8)).isEqualTo(1500);
        assertThat(buffer.get(16)).isEqualTo((byte) 'e');
        assertThat(buffer.get(20)).isZero();
        assertThat(codec.decode(buffer, 0)).isEqualTo(new Stats(3, 1500, "eth0"));
    }

    static final Int S32 = new Int("int", 4, Int.Encoding.SIGNED);
    /** struct traffic { __u64 packets; __u64 bytes; } */
    static final Struct TRAFFIC = new Struct("traffic", 16, List.of(new Member("packets", U64, 0),
            new Member("bytes", U64, 64)));
    /** struct sample { __u32 pid; int delta; char comm[8]; struct traffic traffic; __u8 flags; } */
    static final Struct SAMPLE = new Struct("sample", 40, List.of(
            new Member("pid", new io.ebpf4j.btf.Typedef("__u32", U32), 0),
            new Member("delta", S32, 32),
            new Member("comm", new Array(CHAR, U32, 8), 64),
            new Member("traffic", TRAFFIC, 128),
            new Member("flags", U8, 256)));

    record Traffic(long packets, long bytes) {}

    /** u32 pid in a long (zero-extended), a nested struct, a u8 as boolean. */
    record Sample(long pid, int delta, String comm, Traffic traffic, boolean flags) {}

    record PidOnly(int pid) {}

    @Test
    void unsignedMembersWidenAndNestedStructsNest() {
        Codec<Sample> codec = Codecs.record(Sample.class, SAMPLE);
        ByteBuffer buffer = ByteBuffer.allocate(48).order(ByteOrder.nativeOrder());
        Sample sample = new Sample(4_000_000_000L, -3, "java", new Traffic(7, 700), true);
        codec.encode(sample, buffer, 8);
        assertThat(Integer.toUnsignedLong(buffer.getInt(8))).isEqualTo(4_000_000_000L);
        assertThat(buffer.getInt(12)).isEqualTo(-3);
        assertThat(buffer.get(16)).isEqualTo((byte) 'j');
        assertThat(buffer.getLong(24)).isEqualTo(7);
        assertThat(buffer.getLong(32)).isEqualTo(700);
        assertThat(buffer.get(40)).isEqualTo((byte) 1);
        assertThat(codec.decode(buffer, 8)).isEqualTo(sample);
        assertThatThrownBy(() -> codec.encode(new Sample(1L << 33, 0, "", new Traffic(0, 0), false), buffer, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
    }

    @Test
    void membersLeftOutAreZeroWhenWritten() {
        Codec<PidOnly> codec = Codecs.record(PidOnly.class, SAMPLE);
        ByteBuffer buffer = ByteBuffer.allocate(40).order(ByteOrder.nativeOrder());
        for (int i = 0; i < 40; i++) {
            buffer.put(i, (byte) 0xff);
        }
        codec.encode(new PidOnly(5), buffer, 0);
        assertThat(buffer.getInt(0)).isEqualTo(5);
        assertThat(buffer.getLong(24)).isZero();
        assertThat(codec.decode(buffer, 0)).isEqualTo(new PidOnly(5));
    }

    record Narrowed(short pid) {}

    record WrongSize(byte saddr) {}

    record Missing(int saddr, int ttl) {}

    @Test
    void mismatchesAreExplained() {
        assertThatThrownBy(() -> Codecs.record(WrongSize.class, FLOW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("component 'saddr'").hasMessageContaining("1 bytes").hasMessageContaining("4 bytes");
        assertThatThrownBy(() -> Codecs.record(Narrowed.class, SAMPLE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot hold");
        assertThatThrownBy(() -> Codecs.record(Missing.class, FLOW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ttl'").hasMessageContaining("[saddr, port, proto, pad]");
        assertThatThrownBy(() -> Codecs.record(Flow.class, U64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only structs and unions");
    }

    @Test
    @RequiresKernel
    void typedMapOfRecords() {
        try (BpfMap map = BpfMap.create(new MapSpec("flows", MapType.HASH).keySize(8).valueSize(32).maxEntries(16)
                .keyType(FLOW).valueType(STATS))) {
            TypedMap<Flow, Stats> flows = map.typed(Codecs.record(Flow.class, FLOW), Codecs.record(Stats.class, STATS));
            Flow key = new Flow(0x0100007f, (short) 8080, (byte) 17);
            flows.put(key, new Stats(10, 640, "lo"));
            assertThat(flows.get(key)).contains(new Stats(10, 640, "lo"));
            assertThat(flows.toMap()).containsEntry(key, new Stats(10, 640, "lo"));
            assertThat(map.info().btfKeyTypeId()).isPositive();
        }
    }
}
