package io.ebpf4j.btf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuilderTest {
    private static final Int INT = new Int("int", 4, Int.Encoding.SIGNED);
    private static final Int CHAR = new Int("char", 1, Int.Encoding.CHAR);

    /** Roots of a graph with every kind, cycles and shared references. */
    private static List<Type> everyKind() {
        Struct list = new Struct("list", 16, List.of());
        list.members().add(new Member("next", new Pointer(list), 0));
        list.members().add(new Member("prev", new Pointer(new Volatile(list)), 64));
        Union u = new Union("u", 8, List.of(new Member("i", INT, 0), new Member("d", new Float("double", 8), 0)));
        Struct bits = new Struct("bits", 4, List.of(new Member("a", INT, 0, 3), new Member("b", INT, 3, 29)));
        FuncProto printf = new FuncProto(INT, List.of(new Param("fmt", new Pointer(new Const(CHAR))),
                new Param("", Void.INSTANCE)));
        Func f = new Func("my_printf", printf, Linkage.EXTERN);
        Var v = new Var("global", new Array(new Restrict(new Pointer(CHAR)), INT, 7), Linkage.GLOBAL);
        Datasec data = new Datasec(".data", 56, List.of(new VarSecinfo(v, 0, 56)));
        return List.of(list, u, bits, f, data,
                new Typedef("list_t", list),
                new Enum("signed_enum", 4, true, List.of(new EnumValue("MINUS", -7), new EnumValue("PLUS", 7))),
                new Enum("unsigned_enum", 4, false, List.of(new EnumValue("BIG", 0xfffffff0L))),
                new Enum64("e64", 8, false, List.of(new EnumValue("HUGE", 0xfedcba9876543210L))),
                new Fwd("opaque", Fwd.Target.UNION),
                new Pointer(new TypeTag("user", CHAR)),
                new Pointer(new TypeTag("address_space(1)", INT, true)),
                new DeclTag("tagged", list, 1),
                new DeclTag("kernel", f, -1, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"LITTLE_ENDIAN", "BIG_ENDIAN"})
    void marshalledTypesParseToTheSameStructure(String order) {
        List<Type> roots = everyKind();
        Builder b = new Builder();
        List<Integer> ids = new ArrayList<>();
        roots.forEach(t -> ids.add(b.add(t)));
        ByteOrder byteOrder = order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;

        Spec spec = Spec.parse(b.marshal(new MarshalOptions(byteOrder, BtfFeatures.ALL)));

        assertThat(spec.byteOrder()).isEqualTo(byteOrder);
        assertThat(spec.typeCount()).isEqualTo(b.typeCount());
        for (int i = 0; i < roots.size(); i++) {
            assertThat(Types.equivalent(spec.typeById(ids.get(i)), roots.get(i))).as("%s", roots.get(i)).isTrue();
        }
        Struct list = spec.typeByName("list", Struct.class).orElseThrow();
        assertThat(((Pointer) list.members().get(0).type()).target()).isSameAs(list);
        assertThat(spec.typeByName("my_printf", Func.class).orElseThrow().proto().isVariadic()).isTrue();
        assertThat(spec.typeByName("e64", Enum64.class).orElseThrow().values().get(0).value())
                .isEqualTo(0xfedcba9876543210L);
    }

    @Test
    void idsFollowAddOrderThenReferences() {
        Struct s = new Struct("s", 8, List.of(new Member("p", new Pointer(INT), 0)));
        Builder b = new Builder();
        assertThat(b.add(s)).isEqualTo(1);
        assertThat(b.add(CHAR)).isEqualTo(2);
        assertThat(b.add(s)).isEqualTo(1);
        assertThat(b.id(INT)).isEqualTo(4); // s -> pointer (3) -> int (4), numbered after explicit adds
        assertThat(b.typeCount()).isEqualTo(5);
        assertThat(b.id(Void.INSTANCE)).isZero();
        assertThatThrownBy(() -> b.id(new Int("other", 4, Int.Encoding.UNSIGNED)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stringsAddedForLineInfoAreInTheBlob() {
        Builder b = new Builder();
        b.add(INT);
        int file = b.addString("prog.c");
        int line = b.addString("\treturn 0;");
        assertThat(b.addString("prog.c")).isEqualTo(file);
        Spec spec = Spec.parse(b.marshal());
        assertThat(spec.string(file)).isEqualTo("prog.c");
        assertThat(spec.string(line)).isEqualTo("\treturn 0;");
        assertThat(spec.string(0)).isEmpty();
    }

    @Test
    void vmlinuxSurvivesMarshalling() {
        BpftoolDump.vmlinux();
        Spec kernel = Spec.kernel();
        Spec copy = Spec.parse(Builder.of(kernel).marshal());

        assertThat(copy.typeCount()).isEqualTo(kernel.typeCount());
        kernel.typeIds().forEach(id -> {
            Type original = kernel.typeById(id);
            Type parsed = copy.typeById(id);
            assertThat(parsed.kind()).isEqualTo(original.kind());
            assertThat(parsed.name()).isEqualTo(original.name());
            assertThat(Types.references(parsed).stream().map(copy::typeId).toList()).as("references of %d", id)
                    .isEqualTo(Types.references(original).stream().map(kernel::typeId).toList());
            assertThat(Types.structuralHash(parsed)).isEqualTo(Types.structuralHash(original));
        });
    }

    @Test
    void vmlinuxTypesSurviveBigEndianMarshalling() {
        BpftoolDump.vmlinux();
        Struct task = Spec.kernel().typeByName("task_struct", Struct.class).orElseThrow();
        Builder b = new Builder();
        int id = b.add(task);

        Spec parsed = Spec.parse(b.marshal(new MarshalOptions(ByteOrder.BIG_ENDIAN, BtfFeatures.ALL)));

        assertThat(Types.equivalent(parsed.typeById(id), task)).isTrue();
    }

    @Test
    void sanitisingReplacesKindsTheKernelLacks() {
        Float dbl = new Float("double", 8);
        Var x = new Var("x", dbl, Linkage.GLOBAL);
        FuncProto proto = new FuncProto(INT, List.of(new Param("a", INT)));
        Builder b = new Builder();
        int datasec = b.add(new Datasec("?.rodata.str", 8, List.of(new VarSecinfo(x, 0, 8))));
        int func = b.add(new Func("f", proto, Linkage.GLOBAL));
        int e64 = b.add(new Enum64("e64", 8, false, List.of(new EnumValue("A", 1L << 40))));
        int signed = b.add(new Enum("e", 4, true, List.of(new EnumValue("M", -1))));
        int typeTag = b.add(new TypeTag("user", INT));
        int declTag = b.add(new DeclTag("tag", x, -1));

        Spec none = Spec.parse(b.marshal(new MarshalOptions(ByteOrder.nativeOrder(), BtfFeatures.NONE)));

        Struct section = (Struct) none.typeById(datasec);
        assertThat(section.name()).isEqualTo("__rodata_str");
        assertThat(section.members()).singleElement().satisfies(m -> {
            assertThat(m.name()).isEqualTo("x");
            assertThat(m.type()).isInstanceOf(Int.class);
            assertThat(((Int) m.type()).size()).isEqualTo(1);
        });
        assertThat(none.typeById(b.id(dbl))).isInstanceOfSatisfying(Struct.class, s -> {
            assertThat(s.name()).isEmpty();
            assertThat(s.size()).isEqualTo(8);
        });
        assertThat(none.typeById(func)).isInstanceOfSatisfying(Typedef.class,
                t -> assertThat(t.type()).isInstanceOf(Enum.class));
        assertThat(none.typeById(e64)).isInstanceOfSatisfying(Union.class, u -> {
            assertThat(u.members()).extracting(Member::name).containsExactly("A");
            assertThat(u.members().get(0).type().name()).isEqualTo("enum64_placeholder");
        });
        assertThat(((Enum) none.typeById(signed)).isSigned()).isFalse();
        assertThat(none.typeById(typeTag)).isInstanceOf(Const.class);
        assertThat(none.typeById(declTag)).isInstanceOf(Int.class);
        assertThat(none.typeCount()).isEqualTo(b.typeCount() + 1); // the placeholder comes last

        BtfFeatures noGlobalFuncsOrQmark = new BtfFeatures(true, false, true, false, true, true, true, true);
        Spec partial = Spec.parse(b.marshal(new MarshalOptions(ByteOrder.nativeOrder(), noGlobalFuncsOrQmark)));
        assertThat(((Func) partial.typeById(func)).linkage()).isEqualTo(Linkage.STATIC);
        assertThat(partial.typeById(datasec).name()).isEqualTo("_.rodata.str");
    }

    @Test
    void splitBtfContinuesItsBase() {
        Builder baseBuilder = new Builder();
        baseBuilder.add(INT);
        baseBuilder.add(new Struct("shared", 4, List.of(new Member("v", INT, 0))));
        Spec base = Spec.parse(baseBuilder.marshal());
        Int baseInt = base.typeByName("int", Int.class).orElseThrow();

        Builder split = Builder.split(base);
        int id = split.add(new Struct("module_struct", 8,
                List.of(new Member("counter", baseInt, 0), new Member("next", new Pointer(baseInt), 32))));
        assertThat(id).isEqualTo(base.typeCount());
        assertThat(split.add(baseInt)).isEqualTo(base.typeId(baseInt));

        Spec module = Spec.parseSplit(split.marshal(), base);

        assertThat(module.firstTypeId()).isEqualTo(base.typeCount());
        Struct s = module.typeByName("module_struct", Struct.class).orElseThrow();
        assertThat(module.typeId(s)).isEqualTo(id);
        assertThat(s.members().get(0).type()).isSameAs(baseInt);
        assertThat(module.typeByName("shared", Struct.class)).isPresent();
        assertThat(module.typeById(base.typeId(baseInt))).isSameAs(baseInt);
        assertThat(module.nameOf(1)).isEqualTo("int");
        assertThat(module.typeIds().boxed().toList()).containsExactly(id, id + 1);
    }

    @Test
    void valuesThatDoNotFitAreRefused() {
        Builder b = new Builder();
        b.add(new Enum("e", 4, false, List.of(new EnumValue("TOO_BIG", 1L << 33))));
        assertThatThrownBy(b::marshal).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Enum64");
        Builder bits = new Builder();
        bits.add(new Struct("s", 4, List.of(new Member("far", INT, 1 << 25, 1))));
        assertThatThrownBy(bits::marshal).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("far");
    }
}
