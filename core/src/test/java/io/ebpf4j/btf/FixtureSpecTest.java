package io.ebpf4j.btf;

import io.ebpf4j.testing.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** BTF that clang wrote for {@code src/test/bpf/btf_types.c}, in both byte orders. */
class FixtureSpecTest {
    private static Spec spec(String target) {
        return Spec.parse(Fixtures.section("btf_types." + target + ".o", ".BTF"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bpf", "bpfeb"})
    void parsesEveryTypeLikeBpftool(String target) {
        Spec spec = spec(target);
        BpftoolDump dump = BpftoolDump.of(Fixtures.path("btf_types." + target + ".o"));

        assertThat(spec.typeCount()).isEqualTo(dump.maxId() + 1);
        for (BpftoolDump.Entry e : dump.entries()) {
            BpftoolComparison.assertSame(spec, e.id(), e);
        }
    }

    @Test
    void bigEndianTwinHasTheSameTypes() {
        Spec little = spec("bpf");
        Spec big = spec("bpfeb");

        assertThat(little.byteOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(big.byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(big.typeCount()).isEqualTo(little.typeCount());
        little.typeIds().forEach(id -> assertThat(Types.equivalent(little.typeById(id), big.typeById(id)))
                .as("type %d: %s", id, little.typeById(id)).isTrue());
    }

    @Test
    void describesTheFixtureTypesInC() {
        Spec spec = spec("bpf");
        Struct node = spec.typeByName("node", Struct.class).orElseThrow();

        assertThat(Types.toC(node)).isEqualTo("""
                struct node {
                	struct node *next;
                	const char *name;
                	volatile int counter;
                	unsigned int flags: 3;
                	unsigned int kind: 5;
                	union value v;
                	struct {...};
                	struct point points[4];
                	int (*callback)(int, struct point *);
                	__attribute__((btf_type_tag("user"))) char *user_data;
                	_Bool valid;
                	u64 stamp;
                	struct forward_only *opaque;
                	char tail[0];
                }""");
        assertThat(Types.describe(spec.typeByName("add", Func.class).orElseThrow())).isEqualTo("int add(int a, int b)");
        assertThat(Types.toC(spec.typeByName("add", Func.class).orElseThrow())).isEqualTo("static int add(int a, int b)");
        assertThat(Types.toC(spec.typeByName("config", Var.class).orElseThrow())).isEqualTo("const volatile u32 config");
        assertThat(Types.toC(spec.typeByName("color", Enum.class).orElseThrow()))
                .isEqualTo("enum color {\n\tRED = 0,\n\tGREEN = 5,\n\tBLUE = 4294967295,\n}");
        assertThat(Types.describe(spec.typeByName("node_tag", DeclTag.class).orElseThrow()))
                .isEqualTo("__attribute__((btf_decl_tag(\"node_tag\"))) on struct node");
    }

    @Test
    void answersLayoutQueries() {
        Spec spec = spec("bpf");
        BpftoolDump.Entry expected = BpftoolDump.of(Fixtures.path("btf_types.bpf.o")).find("STRUCT", "node");
        Struct node = spec.typeByName("node", Struct.class).orElseThrow();

        assertThat(Types.sizeof(node)).isEqualTo(expected.intAttribute("size"));
        assertThat(Types.alignof(node)).isEqualTo(8);
        // 'a' and 'b' live in an anonymous struct member; their offsets add up.
        long anonymous = expected.line("").longAttribute("bits_offset");
        assertThat(Types.findMember(node, "a").orElseThrow().bitOffset()).isEqualTo(anonymous);
        assertThat(Types.findMember(node, "b").orElseThrow().bitOffset()).isEqualTo(anonymous + 64);
        assertThat(Types.findMember(node, "b").orElseThrow().path()).hasSize(2);
        assertThat(Types.findMember(node, "kind").orElseThrow().member().bitfieldSize()).isEqualTo(5);
        assertThat(Types.findMember(node, "missing")).isEmpty();

        Type points = Types.findMember(node, "points").orElseThrow().type();
        assertThat(Types.sizeof(points)).isEqualTo(4 * 8);
        assertThat(Types.alignof(points)).isEqualTo(4);
        Type config = spec.typeByName("config", Var.class).orElseThrow().type();
        assertThat(Types.underlying(config)).isInstanceOf(Int.class);
        assertThat(Types.skipQualifiers(config)).isInstanceOf(Typedef.class);
    }
}
