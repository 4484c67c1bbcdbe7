package io.ebpf4j.spring.actuate;

import io.ebpf4j.btf.Array;
import io.ebpf4j.btf.Datasec;
import io.ebpf4j.btf.Enum;
import io.ebpf4j.btf.EnumValue;
import io.ebpf4j.btf.Int;
import io.ebpf4j.btf.Linkage;
import io.ebpf4j.btf.Member;
import io.ebpf4j.btf.Pointer;
import io.ebpf4j.btf.Struct;
import io.ebpf4j.btf.Typedef;
import io.ebpf4j.btf.Union;
import io.ebpf4j.btf.Var;
import io.ebpf4j.btf.VarSecinfo;
import io.ebpf4j.btf.Void;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Map bytes decoded through BTF for the endpoint's JSON. */
class BtfValuesTest {
    private static final Int U8 = new Int("unsigned char", 1, Int.Encoding.UNSIGNED);
    private static final Int CHAR = new Int("char", 1, Int.Encoding.SIGNED);
    private static final Int U16 = new Int("__u16", 2, Int.Encoding.UNSIGNED);
    private static final Int S32 = new Int("int", 4, Int.Encoding.SIGNED);
    private static final Int U32 = new Int("unsigned int", 4, Int.Encoding.UNSIGNED);
    private static final Int U64 = new Int("unsigned long long", 8, Int.Encoding.UNSIGNED);
    private static final Int BOOL = new Int("_Bool", 1, Int.Encoding.BOOL);

    private static Member at(String name, io.ebpf4j.btf.Type type, int byteOffset) {
        return new Member(name, type, byteOffset * 8);
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }

    @Test
    void structsBecomeObjectsWithMembersByName() {
        Enum state = new Enum("state", 4, false, new ArrayList<>(List.of(new EnumValue("IDLE", 0),
                new EnumValue("RUNNING", 1))));
        Struct inner = new Struct("inner", 4, new ArrayList<>(List.of(at("lo", U16, 0), at("hi", U16, 2))));
        Struct outer = new Struct("task", 48, new ArrayList<>(List.of(at("pid", S32, 0), at("state", state, 4),
                at("comm", new Array(CHAR, U32, 16), 8), at("inner", inner, 24), at("slots", new Array(U8, U32, 3), 28),
                at("ok", BOOL, 31), at("where", new Pointer(Void.INSTANCE), 32), at("bytes", new Typedef("u64", U64), 40))));
        ByteBuffer b = buffer(48);
        b.putInt(0, -7).putInt(4, 1).put(8, "bash".getBytes()).putShort(24, (short) 1).putShort(26, (short) 2);
        b.put(28, (byte) 9).put(29, (byte) 8).put(30, (byte) 7).put(31, (byte) 1).putLong(32, 0xffff8000L).putLong(40, -1L);

        @SuppressWarnings("unchecked")
        Map<String, Object> task = (Map<String, Object>) BtfValues.decode(outer, b.array(), 0);
        assertThat(task).containsExactly(Map.entry("pid", -7L), Map.entry("state", "RUNNING"),
                Map.entry("comm", "bash"), Map.entry("inner", Map.of("lo", 1L, "hi", 2L)),
                Map.entry("slots", List.of(9L, 8L, 7L)), Map.entry("ok", true), Map.entry("where", "0xffff8000"),
                Map.entry("bytes", new BigInteger("18446744073709551615")));
    }

    @Test
    void charArraysThatAreNotTextStayNumbers() {
        Array raw = new Array(CHAR, U32, 4);
        assertThat(BtfValues.decode(raw, new byte[] {1, 2, 3, 0}, 0)).isEqualTo(List.of(1L, 2L, 3L, 0L));
        assertThat(BtfValues.decode(raw, new byte[] {0, 0, 0, 0}, 0)).isEqualTo("");
    }

    @Test
    void anonymousMembersMergeIntoTheParentAndBitfieldsAreExtracted() {
        Union anonymous = new Union("", 4, new ArrayList<>(List.of(at("as_int", U32, 0), at("as_short", U16, 0))));
        Struct flags = new Struct("flags", 8, new ArrayList<>(List.of(new Member("", anonymous, 0),
                new Member("low", U32, 32, 3), new Member("high", U32, 35, 5), new Member("sign", S32, 40, 4))));
        ByteBuffer b = buffer(8);
        b.putInt(0, 0x00010002);
        b.put(4, (byte) (0b101 | (0b10011 << 3)));
        b.put(5, (byte) 0b1111);
        assertThat(BtfValues.decode(flags, b.array(), 0)).isEqualTo(Map.of("as_int", 0x00010002L,
                "as_short", 2L, "low", 5L, "high", 19L, "sign", -1L));
    }

    @Test
    void globalVariableSectionsListTheirVariables() {
        Datasec rodata = new Datasec(".rodata", 8, new ArrayList<>(List.of(
                new VarSecinfo(new Var("target_tid", U32, Linkage.GLOBAL), 0, 4),
                new VarSecinfo(new Var("verbose", BOOL, Linkage.GLOBAL), 4, 1))));
        ByteBuffer b = buffer(8).putInt(0, 1234).put(4, (byte) 1);
        assertThat(BtfValues.decode(rodata, b.array(), 0)).isEqualTo(Map.of("target_tid", 1234L, "verbose", true));
    }

    @Test
    void valuesAtAnOffsetDecodeFromThere() {
        byte[] perCpu = buffer(16).putLong(0, 3).putLong(8, 4).array();
        assertThat(BtfValues.decode(U64, perCpu, 8)).isEqualTo(4L);
        assertThat(BtfValues.hex(perCpu, 8, 2)).isEqualTo(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
                ? "0400" : "0000");
    }
}
