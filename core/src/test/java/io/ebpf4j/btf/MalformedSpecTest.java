package io.ebpf4j.btf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ebpf4j.BtfFormatException;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Malformed BTF ends in a {@link BtfFormatException} that says where, never in a hang or a runtime error. */
class MalformedSpecTest {
    /** A blob with one of most kinds, built by ebpf4j itself. */
    private static byte[] validBlob() {
        Int i = new Int("int", 4, Int.Encoding.SIGNED);
        Struct s = new Struct("s", 16, List.of());
        s.members().add(new Member("next", new Pointer(s), 0));
        s.members().add(new Member("value", new Const(i), 64));
        s.members().add(new Member("bits", i, 96, 3));
        FuncProto proto = new FuncProto(i, List.of(new Param("arg", new Pointer(s))));
        Builder b = new Builder();
        b.add(new Func("f", proto, Linkage.GLOBAL));
        b.add(new Enum("e", 4, true, List.of(new EnumValue("A", -1))));
        b.add(new Array(new Typedef("t", i), i, 3));
        b.add(new Var("v", s, Linkage.GLOBAL));
        return b.marshal(new MarshalOptions(ByteOrder.LITTLE_ENDIAN, BtfFeatures.ALL));
    }

    /** Parses and inflates every type. */
    private static Spec parseFully(byte[] blob) {
        Spec spec = Spec.parse(blob);
        spec.typeIds().forEach(spec::typeById);
        return spec;
    }

    @Test
    void validBlobParses() {
        Spec spec = parseFully(validBlob());
        assertThat(spec.typeByName("s", Struct.class)).isPresent();
    }

    @Test
    void truncationAtEveryLengthIsReported() {
        byte[] blob = validBlob();
        for (int length = 0; length < blob.length; length++) {
            byte[] truncated = Arrays.copyOf(blob, length);
            assertThatThrownBy(() -> Spec.parse(truncated)).as("length %d", length)
                    .isInstanceOf(BtfFormatException.class);
        }
    }

    @Test
    void typeRecordCutByTheTypeSectionEnd() {
        RawBtf raw = new RawBtf();
        raw.int32(raw.string("int"));
        byte[] blob = raw.build();
        // Shrink the type section by one word: the int's encoding word falls outside it.
        byte[] cut = RawBtf.patch(blob, 12, 12);
        assertThatThrownBy(() -> Spec.parse(cut)).isInstanceOf(BtfFormatException.class)
                .hasMessageContaining("type id 1").hasMessageContaining("extends past the end");
    }

    @Test
    void headerLengthsThatOverflowAreReported() {
        byte[] blob = validBlob();
        int[][] patches = {
            {4, 0xffffffff}, {4, 8}, {8, 0xfffffff0}, {12, 0xffffffff}, {16, 0x7fffffff}, {20, 0xffffffff},
            {8, 4}, // type section overlapping the string section
        };
        for (int[] p : patches) {
            byte[] bad = RawBtf.patch(blob, p[0], p[1]);
            assertThatThrownBy(() -> Spec.parse(bad)).as("header word %d = %x", p[0], p[1])
                    .isInstanceOf(BtfFormatException.class).extracting(e -> ((BtfFormatException) e).offset())
                    .isEqualTo((long) p[0]);
        }
    }

    @Test
    void badMagicVersionAndFlags() {
        byte[] blob = validBlob();
        byte[] magic = blob.clone();
        magic[0] = 0x12;
        byte[] version = blob.clone();
        version[2] = 2;
        byte[] flags = blob.clone();
        flags[3] = 1;
        assertThatThrownBy(() -> Spec.parse(magic)).isInstanceOf(BtfFormatException.class).hasMessageContaining("magic");
        assertThatThrownBy(() -> Spec.parse(version)).isInstanceOf(BtfFormatException.class).hasMessageContaining("version");
        assertThatThrownBy(() -> Spec.parse(flags)).isInstanceOf(BtfFormatException.class).hasMessageContaining("flags");
    }

    @Test
    void stringOffsetsPastTheTable() {
        RawBtf raw = new RawBtf();
        raw.int32(1000);
        assertThatThrownBy(() -> Spec.parse(raw.build())).isInstanceOf(BtfFormatException.class)
                .hasMessageContaining("string offset 1000").extracting(e -> ((BtfFormatException) e).offset())
                .isEqualTo(24L);

        RawBtf member = new RawBtf();
        member.int32(member.string("int"));
        member.type(member.string("s"), RawBtf.STRUCT, 1, 4, 5000, 1, 0);
        // Member names are checked by parsing too, so that raw records need no checks.
        assertThatThrownBy(() -> Spec.parse(member.build())).isInstanceOf(BtfFormatException.class)
                .hasMessageContaining("type id 2").hasMessageContaining("string offset 5000")
                .extracting(e -> ((BtfFormatException) e).offset()).isEqualTo(24L + 4 * 4 + 12);
    }

    @Test
    void typeIdsOutOfRange() {
        RawBtf pointer = new RawBtf();
        pointer.type(0, RawBtf.PTR, 0, 99);
        assertThatThrownBy(() -> Spec.parse(pointer.build())).isInstanceOf(BtfFormatException.class)
                .hasMessageContaining("type id 99");

        RawBtf member = new RawBtf();
        member.type(member.string("s"), RawBtf.STRUCT, 1, 4, 0, 77, 0);
        assertThatThrownBy(() -> Spec.parse(member.build())).isInstanceOf(BtfFormatException.class)
                .hasMessageContaining("type id 77");

        RawBtf param = new RawBtf();
        param.type(0, RawBtf.FUNC_PROTO, 1, 0, 0, 42);
        assertThatThrownBy(() -> Spec.parse(param.build())).isInstanceOf(BtfFormatException.class)
                .hasMessageContaining("type id 42");

        RawBtf negative = new RawBtf();
        negative.type(0, RawBtf.ARRAY, 0, 0, 0x80000000, 1, 3);
        assertThatThrownBy(() -> Spec.parse(negative.build())).isInstanceOf(BtfFormatException.class)
                .hasMessageContaining("2147483648");
    }

    @Test
    void cycleThroughTypedefAndConst() {
        RawBtf raw = new RawBtf();
        raw.type(raw.string("a"), RawBtf.TYPEDEF, 0, 2); // [1] typedef a -> [2]
        raw.type(0, RawBtf.CONST, 0, 1);                 // [2] const -> [1]
        raw.int32(raw.string("int"));                    // [3] unrelated
        Spec spec = Spec.parse(raw.build());

        assertThatThrownBy(() -> spec.typeById(1)).isInstanceOf(BtfFormatException.class)
                .hasMessageContaining("does not end");
        assertThatThrownBy(() -> spec.typeById(2)).isInstanceOf(BtfFormatException.class);
        assertThat(spec.typeById(3)).isInstanceOf(Int.class);
        // Lookups by name work without inflating, and report the cycle once the type is needed.
        assertThatThrownBy(() -> spec.typeByName("a", Typedef.class)).isInstanceOf(BtfFormatException.class);
    }

    @Test
    void cycleThroughPointerAndArray() {
        RawBtf raw = new RawBtf();
        raw.type(0, RawBtf.PTR, 0, 2);             // [1] ptr -> [2]
        raw.type(0, RawBtf.ARRAY, 0, 0, 1, 3, 4);   // [2] array of [1], index [3]
        raw.int32(raw.string("int"));              // [3]
        Spec spec = Spec.parse(raw.build());
        assertThatThrownBy(() -> spec.typeById(1)).isInstanceOf(BtfFormatException.class);
    }

    @Test
    void structCyclesThroughPointersAreLegal() {
        Spec spec = parseFully(validBlob());
        Struct s = spec.typeByName("s", Struct.class).orElseThrow();
        assertThat(((Pointer) s.members().get(0).type()).target()).isSameAs(s);
        assertThat(Types.describe(s.members().get(0).type())).isEqualTo("struct s *");
        Type copy = Types.copy(s);
        assertThat(copy).isNotSameAs(s);
        assertThat(Types.equivalent(copy, s)).isTrue();
        assertThat(((Pointer) ((Struct) copy).members().get(0).type()).target()).isSameAs(copy);
    }

    @Test
    void absurdCountsAreRejectedBeforeAllocating() {
        RawBtf raw = new RawBtf();
        raw.type(raw.string("huge"), RawBtf.STRUCT, 0xffffff, 4);
        assertThatThrownBy(() -> Spec.parse(raw.build())).isInstanceOf(BtfFormatException.class)
                .hasMessageContaining("vlen 16777215").hasMessageContaining("extends past the end");
        RawBtf proto = new RawBtf();
        proto.type(0, RawBtf.FUNC_PROTO, 0xffffff, 0);
        assertThatThrownBy(() -> Spec.parse(proto.build())).isInstanceOf(BtfFormatException.class);
    }

    @Test
    void kindSpecificRulesAreCheckedOnInflation() {
        RawBtf unknownKind = new RawBtf();
        unknownKind.type(0, 25, 0, 0);
        assertThatThrownBy(() -> Spec.parse(unknownKind.build())).isInstanceOf(BtfFormatException.class)
                .hasMessageContaining("unknown BTF kind 25");

        RawBtf encoding = new RawBtf();
        encoding.type(encoding.string("int"), RawBtf.INT, 0, 4, 3 << 24 | 32);
        assertThatThrownBy(() -> Spec.parse(encoding.build()).typeById(1)).isInstanceOf(BtfFormatException.class)
                .hasMessageContaining("encoding");

        RawBtf bits = new RawBtf();
        bits.type(bits.string("int"), RawBtf.INT, 0, 4, 40);
        assertThatThrownBy(() -> Spec.parse(bits.build()).typeById(1)).isInstanceOf(BtfFormatException.class)
                .hasMessageContaining("do not fit");

        RawBtf func = new RawBtf();
        func.int32(func.string("int"));
        func.type(func.string("f"), RawBtf.FUNC, 0, 1);
        assertThatThrownBy(() -> Spec.parse(func.build()).typeById(2)).isInstanceOf(BtfFormatException.class)
                .hasMessageContaining("FUNC_PROTO");

        RawBtf linkage = new RawBtf();
        linkage.type(0, RawBtf.FUNC_PROTO, 0, 0);
        linkage.type(linkage.string("f"), RawBtf.FUNC, 7, 1);
        assertThatThrownBy(() -> Spec.parse(linkage.build()).typeById(2)).isInstanceOf(BtfFormatException.class)
                .hasMessageContaining("linkage");

        RawBtf tag = new RawBtf();
        tag.int32(tag.string("int"));
        tag.type(tag.string("t"), RawBtf.DECL_TAG, 0, 1, -5);
        assertThatThrownBy(() -> Spec.parse(tag.build()).typeById(2)).isInstanceOf(BtfFormatException.class)
                .hasMessageContaining("component index -5");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void randomCorruptionFailsOnlyWithBtfFormatException() {
        byte[] blob = validBlob();
        Random random = new Random(42);
        int parsed = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] bad = blob.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                int at = random.nextInt(bad.length);
                bad[at] = random.nextInt(4) == 0 ? (byte) 0xff : (byte) random.nextInt(256);
            }
            try {
                Spec spec = parseFully(bad);
                spec.typeIds().forEach(id -> Types.describe(spec.typeById(id)));
                parsed++;
            } catch (BtfFormatException expected) {
                // what malformed input must produce
            }
        }
        assertThat(parsed).isPositive();
    }
}
