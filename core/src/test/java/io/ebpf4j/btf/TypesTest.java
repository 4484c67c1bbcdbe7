package io.ebpf4j.btf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ebpf4j.BpfException;

import java.util.List;

import org.junit.jupiter.api.Test;

/** {@link Types} on hand-built graphs, including cyclic and malformed ones. */
class TypesTest {
    private static final Int INT = new Int("int", 4, Int.Encoding.SIGNED);
    private static final Int CHAR = new Int("char", 1, Int.Encoding.CHAR);
    private static final Int LONG = new Int("long", 8, Int.Encoding.SIGNED);

    @Test
    void sizesResolveTypedefsQualifiersAndArrays() {
        Typedef matrix = new Typedef("matrix", new Array(new Const(new Array(INT, INT, 3)), INT, 2));
        assertThat(Types.sizeof(matrix)).isEqualTo(24);
        assertThat(Types.sizeof(new Pointer(Void.INSTANCE))).isEqualTo(8);
        assertThat(Types.sizeof(new Var("v", matrix, Linkage.GLOBAL))).isEqualTo(24);
        assertThat(Types.sizeof(new Array(LONG, INT, -1))).isEqualTo(0xffffffffL * 8); // nelems is unsigned
        for (Type unsized : List.of(Void.INSTANCE, new Fwd("f", Fwd.Target.STRUCT),
                new FuncProto(INT, List.of()), new Typedef("v", Void.INSTANCE))) {
            assertThatThrownBy(() -> Types.sizeof(unsized)).isInstanceOf(BpfException.class)
                    .hasMessageContaining("has no size");
        }
        Array huge = new Array(new Array(LONG, INT, -1), INT, -1);
        assertThatThrownBy(() -> Types.sizeof(new Array(huge, INT, -1))).isInstanceOf(BpfException.class)
                .hasMessageContaining("overflows");
    }

    @Test
    void alignmentDetectsPackedStructs() {
        Struct natural = new Struct("natural", 16, List.of(new Member("c", CHAR, 0), new Member("l", LONG, 64)));
        Struct packed = new Struct("packed", 9, List.of(new Member("c", CHAR, 0), new Member("l", LONG, 8)));
        Struct tail = new Struct("tail", 9, List.of(new Member("l", LONG, 0), new Member("c", CHAR, 64)));
        assertThat(Types.alignof(natural)).isEqualTo(8);
        assertThat(Types.alignof(packed)).isEqualTo(1);
        assertThat(Types.alignof(tail)).isEqualTo(1);
        assertThat(Types.alignof(new Array(new Const(natural), INT, 2))).isEqualTo(8);
        assertThat(Types.alignof(new Int("__int128", 16, Int.Encoding.SIGNED))).isEqualTo(8);
    }

    @Test
    void cyclesThroughTypedefsAreReportedNotFollowedForever() {
        Typedef a = new Typedef("a", INT);
        a.setType(new Const(a));
        assertThatThrownBy(() -> Types.underlying(a)).isInstanceOf(BpfException.class).hasMessageContaining("cycle");
        assertThatThrownBy(() -> Types.sizeof(a)).isInstanceOf(BpfException.class);
        assertThat(Types.skipQualifiers(a)).isSameAs(a);
        assertThat(Types.describe(new Pointer(a))).isEqualTo("a *");
        assertThat(Types.toC(a)).isEqualTo("typedef const a a");
        assertThat(Types.equivalent(a, Types.copy(a))).isTrue();
    }

    @Test
    void selfNestingStructsAndPrototypesTerminate() {
        Struct s = new Struct("s", 4, List.of());
        s.members().add(new Member("", s, 0)); // malformed: contains itself by value
        assertThat(Types.findMember(s, "missing")).isEmpty();
        assertThatThrownBy(() -> Types.alignof(s)).isInstanceOf(BpfException.class);

        FuncProto proto = new FuncProto(INT, List.of());
        proto.params().add(new Param("self", new Pointer(proto)));
        assertThat(Types.describe(proto)).startsWith("int (int (*self)(int (*self)(").contains("...");
    }

    @Test
    void declarationsFollowCSyntax() {
        assertThat(Types.describe(new Pointer(new Const(CHAR)))).isEqualTo("const char *");
        assertThat(Types.describe(new Const(new Pointer(CHAR)))).isEqualTo("char *const");
        assertThat(Types.describe(new Pointer(new Array(INT, INT, 4)))).isEqualTo("int (*)[4]");
        assertThat(Types.describe(new Array(new Pointer(INT), INT, 4))).isEqualTo("int *[4]");
        assertThat(Types.describe(new Pointer(new FuncProto(Void.INSTANCE, List.of())))).isEqualTo("void (*)(void)");
        FuncProto variadic = new FuncProto(INT, List.of(new Param("fmt", new Pointer(new Const(CHAR))),
                new Param("", Void.INSTANCE)));
        assertThat(Types.describe(new Func("printk", variadic, Linkage.EXTERN)))
                .isEqualTo("int printk(const char *fmt, ...)");
        assertThat(Types.toC(new Func("printk", variadic, Linkage.EXTERN))).startsWith("extern int printk(");
        assertThat(Types.describe(new Restrict(new Pointer(new Volatile(LONG))))).isEqualTo("volatile long *restrict");
        assertThat(Types.describe(new Fwd("opaque", Fwd.Target.UNION))).isEqualTo("union opaque");
        assertThat(Types.describe(new Enum64("", 8, true, List.of()))).isEqualTo("enum {...}");
        assertThat(Types.toC(new Datasec(".bss", 8, List.of(new VarSecinfo(new Var("x", LONG, Linkage.STATIC), 0, 8)))))
                .isEqualTo("datasec .bss (size 8) {\n\tlong x; /* offset 0, size 8 */\n}");
        assertThat(Types.toC(new Enum("sign", 4, true, List.of(new EnumValue("NEG", -1)))))
                .isEqualTo("enum sign {\n\tNEG = -1,\n}");
    }

    @Test
    void equivalenceComparesStructureNotIdentity() {
        Struct a = new Struct("node", 8, List.of());
        a.members().add(new Member("next", new Pointer(a), 0));
        Struct b = new Struct("node", 8, List.of());
        b.members().add(new Member("next", new Pointer(b), 0));
        Struct c = new Struct("node", 8, List.of());
        c.members().add(new Member("next", new Pointer(new Const(c)), 0));

        assertThat(Types.equivalent(a, b)).isTrue();
        assertThat(Types.structuralHash(a)).isEqualTo(Types.structuralHash(b));
        assertThat(Types.equivalent(a, c)).isFalse();
        assertThat(a).isNotEqualTo(b); // identity equality
    }

    @Test
    void copiesAreDeepAndShareVoid() {
        Struct node = new Struct("node", 16, List.of());
        Pointer self = new Pointer(node);
        node.members().add(new Member("next", self, 0));
        node.members().add(new Member("prev", self, 64));
        node.members().add(new Member("data", new Pointer(Void.INSTANCE), 128));

        Struct copy = (Struct) Types.copy(node);

        assertThat(copy).isNotSameAs(node);
        assertThat(copy.members().get(0).type()).isNotSameAs(self).isSameAs(copy.members().get(1).type());
        assertThat(((Pointer) copy.members().get(0).type()).target()).isSameAs(copy);
        assertThat(((Pointer) copy.members().get(2).type()).target()).isSameAs(Void.INSTANCE);
        copy.setName("changed");
        assertThat(node.name()).isEqualTo("node");
    }
}
