package io.ebpf4j.btf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ebpf4j.internal.elf.ElfFile;
import io.ebpf4j.testing.Fixtures;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Raw records read the same values as the inflated types, for every type of the running kernel and of the fixtures'
 * BTF (both byte orders). Each type is described twice, once from each view, and the descriptions must be equal.
 */
class RawTypeTest {
    @Test
    void agreesWithInflatedTypesForEveryKernelType() {
        Spec kernel = Spec.kernel();
        assertAgreement(kernel);
        // The kernel's BTF has every kind whose raw fields are read differently.
        assertThat(kernel.typeIds().mapToObj(kernel::kindOf).distinct())
                .contains(Kind.STRUCT, Kind.UNION, Kind.ENUM, Kind.ENUM64, Kind.FUNC_PROTO, Kind.DECL_TAG, Kind.DATASEC);
        assertThat(kernel.typeIds().filter(id -> kernel.typeById(id) instanceof Composite c
                && c.members().stream().anyMatch(Member::isBitfield))).isNotEmpty();
    }

    @Test
    void agreesForKernelModuleBtf() {
        for (String module : Spec.kernelModules().stream().limit(3).toList()) {
            Spec.kernelModule(module).ifPresent(RawTypeTest::assertAgreement);
        }
    }

    static Stream<String> fixtures() {
        return Fixtures.files().stream()
                .filter(f -> ElfFile.parse(Fixtures.bytes(f)).section(".BTF").isPresent());
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void agreesForFixtureBtf(String file) {
        assertAgreement(Spec.parse(Fixtures.section(file, ".BTF")));
    }

    @Test
    void signedAndUnsignedEnumeratorsReadLikeEnumValues() {
        RawBtf raw = new RawBtf();
        int a = raw.string("A");
        raw.type(raw.string("s32"), RawBtf.ENUM, true, 1, 4, a, -5);
        raw.type(raw.string("u32"), RawBtf.ENUM, false, 1, 4, a, -5);
        raw.type(raw.string("s64"), RawBtf.ENUM64, true, 1, 8, a, 0xfffffffb, 0xffffffff);
        raw.type(raw.string("u64"), RawBtf.ENUM64, false, 1, 8, a, 1, 0x80000000);
        Spec spec = Spec.parse(raw.build());

        assertThat(spec.rawType(1).enumeratorValue(0)).isEqualTo(-5);
        assertThat(spec.rawType(2).enumeratorValue(0)).isEqualTo(0xfffffffbL);
        assertThat(spec.rawType(3).enumeratorValue(0)).isEqualTo(-5);
        assertThat(spec.rawType(4).enumeratorValue(0)).isEqualTo(0x8000000000000001L);
        assertAgreement(spec);
    }

    @Test
    void voidIsAnAllZeroRecord() {
        RawType v = Spec.kernel().rawType(0);
        assertThat(v.kind()).isEqualTo(Kind.VOID);
        assertThat(v.name()).isEmpty();
        assertThat(v.vlen()).isZero();
    }

    @Test
    void accessorsOfOtherKindsAndEntriesOutOfRangeAreRefused() {
        RawBtf raw = new RawBtf();
        raw.int32(raw.string("int"));
        raw.type(raw.string("s"), RawBtf.STRUCT, 1, 4, raw.string("x"), 1, 0);
        Spec spec = Spec.parse(raw.build());

        assertThatThrownBy(() -> spec.rawType(1).memberType(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("INT").hasMessageContaining("members");
        assertThatThrownBy(() -> spec.rawType(2).type()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> spec.rawType(2).memberType(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> spec.rawType(3)).isInstanceOf(IllegalArgumentException.class);
        assertThat(spec.rawType(2).memberType(0)).isEqualTo(1);
    }

    private static void assertAgreement(Spec spec) {
        List<String> mismatches = new ArrayList<>();
        spec.typeIds().forEach(id -> {
            String raw = describe(spec, spec.rawType(id));
            String inflated = describe(spec, spec.typeById(id));
            if (!raw.equals(inflated) && mismatches.size() < 20) {
                mismatches.add("[" + id + "]\n  raw:      " + raw + "\n  inflated: " + inflated);
            }
        });
        assertThat(mismatches).as(spec.toString()).isEmpty();
    }

    /** The type's fields from the raw record, references as ids. */
    private static String describe(Spec spec, RawType t) {
        StringJoiner s = new StringJoiner(" ").add(t.kind().toString()).add("'" + t.name() + "'");
        switch (t.kind()) {
            case INT -> s.add("size=" + t.size()).add(t.intEncoding() + "").add(t.intBitOffset() + "+" + t.intBits());
            case POINTER, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, VAR -> s.add("type=" + t.type());
            case TYPE_TAG -> s.add("type=" + t.type()).add("attribute=" + t.kindFlag());
            case ARRAY -> s.add("element=" + t.arrayElement()).add("index=" + t.arrayIndex())
                    .add("length=" + t.arrayLength());
            case STRUCT, UNION -> {
                s.add("size=" + t.size());
                for (int i = 0; i < t.vlen(); i++) {
                    s.add(spec.string(t.memberNameOffset(i)) + ":" + t.memberType(i) + "@" + t.memberBitOffset(i)
                            + "/" + t.memberBitfieldSize(i));
                }
            }
            case ENUM, ENUM64 -> {
                s.add("size=" + t.size()).add("signed=" + t.kindFlag());
                for (int i = 0; i < t.vlen(); i++) {
                    s.add(spec.string(t.enumeratorNameOffset(i)) + "=" + t.enumeratorValue(i));
                }
            }
            case FWD -> s.add("union=" + t.kindFlag());
            case FUNC_PROTO -> {
                s.add("returns=" + t.type());
                for (int i = 0; i < t.vlen(); i++) {
                    s.add(spec.string(t.paramNameOffset(i)) + ":" + t.paramType(i));
                }
            }
            case DATASEC -> {
                s.add("size=" + t.size());
                for (int i = 0; i < t.vlen(); i++) {
                    s.add(t.varType(i) + "@" + t.varOffset(i) + "/" + t.varSize(i));
                }
            }
            case FLOAT -> s.add("size=" + t.size());
            case DECL_TAG -> s.add("type=" + t.type()).add("component=" + t.componentIndex())
                    .add("attribute=" + t.kindFlag());
            case VOID -> { }
        }
        if (t.kind() == Kind.FUNC || t.kind() == Kind.VAR) {
            s.add("linkage=" + t.linkage());
        }
        return s.toString();
    }

    /** The same fields from the inflated type, references as the ids of the referenced types. */
    private static String describe(Spec spec, Type type) {
        StringJoiner s = new StringJoiner(" ").add(type.kind().toString()).add("'" + type.name() + "'");
        if (type instanceof Int i) {
            s.add("size=" + i.size()).add(i.encoding() + "").add(i.bitOffset() + "+" + i.bits());
        } else if (type instanceof Pointer p) {
            s.add("type=" + spec.typeId(p.target()));
        } else if (type instanceof Typedef t) {
            s.add("type=" + spec.typeId(t.type()));
        } else if (type instanceof TypeTag t) {
            s.add("type=" + spec.typeId(t.type())).add("attribute=" + t.isAttribute());
        } else if (type instanceof Qualifier q) {
            s.add("type=" + spec.typeId(q.type()));
        } else if (type instanceof Func f) {
            s.add("type=" + spec.typeId(f.proto()));
        } else if (type instanceof Var v) {
            s.add("type=" + spec.typeId(v.type()));
        } else if (type instanceof Array a) {
            s.add("element=" + spec.typeId(a.element())).add("index=" + spec.typeId(a.index()))
                    .add("length=" + a.length());
        } else if (type instanceof Composite c) {
            s.add("size=" + c.size());
            for (Member m : c.members()) {
                s.add(m.name() + ":" + spec.typeId(m.type()) + "@" + m.bitOffset() + "/" + m.bitfieldSize());
            }
        } else if (type instanceof Enumeration e) {
            s.add("size=" + e.size()).add("signed=" + e.isSigned());
            for (EnumValue v : e.values()) {
                s.add(v.name() + "=" + v.value());
            }
        } else if (type instanceof Fwd f) {
            s.add("union=" + (f.target() == Fwd.Target.UNION));
        } else if (type instanceof FuncProto p) {
            s.add("returns=" + spec.typeId(p.returnType()));
            for (Param param : p.params()) {
                s.add(param.name() + ":" + spec.typeId(param.type()));
            }
        } else if (type instanceof Datasec d) {
            s.add("size=" + d.size());
            for (VarSecinfo v : d.vars()) {
                s.add(spec.typeId(v.type()) + "@" + v.offset() + "/" + v.size());
            }
        } else if (type instanceof Float f) {
            s.add("size=" + f.size());
        } else if (type instanceof DeclTag t) {
            s.add("type=" + spec.typeId(t.type())).add("component=" + t.componentIndex())
                    .add("attribute=" + t.isAttribute());
        }
        if (type instanceof Func f) {
            s.add("linkage=" + f.linkage());
        } else if (type instanceof Var v) {
            s.add("linkage=" + v.linkage());
        }
        return s.toString();
    }
}
