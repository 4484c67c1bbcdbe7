package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.btf.Array;
import io.ebpf4j.btf.Int;
import io.ebpf4j.btf.Member;
import io.ebpf4j.btf.Struct;
import io.ebpf4j.btf.Typedef;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Records mapped onto C structs by member name, as BTF lays them out. */
class RecordCodecTests {
    private static final Int U8 = new Int("unsigned char", 1, Int.Encoding.UNSIGNED);
    private static final Int S32 = new Int("int", 4, Int.Encoding.SIGNED);
    private static final Int U32 = new Int("unsigned int", 4, Int.Encoding.UNSIGNED);
    private static final Int U64 = new Int("unsigned long long", 8, Int.Encoding.UNSIGNED);
    private static final Int CHAR = new Int("char", 1, Int.Encoding.SIGNED);

    /** struct flow { __u32 pid; int delta; char comm[8]; struct { __u64 packets; __u64 bytes; } traffic; __u8 flags; } */
    private static final Struct TRAFFIC = new Struct("traffic", 16, List.of(new Member("packets", U64, 0),
            new Member("bytes", U64, 64)));
    private static final Struct FLOW = new Struct("flow", 40, List.of(
            new Member("pid", new Typedef("__u32", U32), 0),
            new Member("delta", S32, 32),
            new Member("comm", new Array(CHAR, U32, 8), 64),
            new Member("traffic", TRAFFIC, 128),
            new Member("flags", U8, 256)));

    record Traffic(long packets, long bytes) {}

    record Flow(long pid, int delta, String comm, Traffic traffic, boolean flags) {}

    /** Leaves out members: they are skipped when reading and zero when writing. */
    record PidOnly(int pid) {}

    @Test
    void roundTripsThroughTheStructLayout() {
        RecordCodec<Flow> codec = RecordCodec.of(Flow.class, FLOW);
        assertThat(codec.size()).isEqualTo(40);
        ByteBuffer buffer = ByteBuffer.allocate(48).order(ByteOrder.nativeOrder());
        Flow flow = new Flow(4_000_000_000L, -3, "java", new Traffic(7, 700), true);
        codec.encode(flow, buffer, 8);
        assertThat(Integer.toUnsignedLong(buffer.getInt(8))).isEqualTo(4_000_000_000L);
        assertThat(buffer.getInt(12)).isEqualTo(-3);
        assertThat(buffer.get(16)).isEqualTo((byte) 'j');
        assertThat(buffer.getLong(24)).isEqualTo(7);
        assertThat(buffer.getLong(32)).isEqualTo(700);
        assertThat(buffer.get(40)).isEqualTo((byte) 1);
        assertThat(codec.decode(buffer, 8)).isEqualTo(flow);
    }

    @Test
    void membersLeftOutAreZeroWhenWritten() {
        RecordCodec<PidOnly> codec = RecordCodec.of(PidOnly.class, FLOW);
        ByteBuffer buffer = ByteBuffer.allocate(40).order(ByteOrder.nativeOrder());
        for (int i = 0; i < 40; i++) {
            buffer.put(i, (byte) 0xff);
        }
        codec.encode(new PidOnly(5), buffer, 0);
        assertThat(buffer.getInt(0)).isEqualTo(5);
        assertThat(buffer.getLong(24)).isZero();
        assertThat(codec.decode(buffer, 0)).isEqualTo(new PidOnly(5));
    }

    record Misnamed(long pid, long command) {}

    record WrongType(String pid) {}

    @Test
    void componentsMustMatchMembers() {
        assertThatIllegalArgumentException().isThrownBy(() -> RecordCodec.of(Misnamed.class, FLOW))
                .withMessage("struct flow has no member 'command' for component Misnamed.command; it has [pid, delta,"
                        + " comm, traffic, flags]");
        assertThatIllegalArgumentException().isThrownBy(() -> RecordCodec.of(WrongType.class, FLOW))
                .withMessageContaining("component WrongType.pid (String) cannot hold integer member __u32");
    }
}
