package io.ebpf4j.btf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

/** Asserts that a type inflated by ebpf4j says what bpftool printed for the same id. */
final class BpftoolComparison {
    private static final Map<String, Kind> KINDS = Map.ofEntries(
            Map.entry("INT", Kind.INT), Map.entry("PTR", Kind.POINTER), Map.entry("ARRAY", Kind.ARRAY),
            Map.entry("STRUCT", Kind.STRUCT), Map.entry("UNION", Kind.UNION), Map.entry("ENUM", Kind.ENUM),
            Map.entry("FWD", Kind.FWD), Map.entry("TYPEDEF", Kind.TYPEDEF), Map.entry("VOLATILE", Kind.VOLATILE),
            Map.entry("CONST", Kind.CONST), Map.entry("RESTRICT", Kind.RESTRICT), Map.entry("FUNC", Kind.FUNC),
            Map.entry("FUNC_PROTO", Kind.FUNC_PROTO), Map.entry("VAR", Kind.VAR), Map.entry("DATASEC", Kind.DATASEC),
            Map.entry("FLOAT", Kind.FLOAT), Map.entry("DECL_TAG", Kind.DECL_TAG), Map.entry("TYPE_TAG", Kind.TYPE_TAG),
            Map.entry("ENUM64", Kind.ENUM64));

    private BpftoolComparison() {}

    static Kind kind(String bpftoolKind) {
        return KINDS.get(bpftoolKind);
    }

    static void assertSame(Spec spec, int id, BpftoolDump.Entry e) {
        Type t = spec.typeById(id);
        String where = "[" + id + "] " + e.kind() + " '" + e.name() + "'";
        assertThat(t.kind()).as(where).isEqualTo(kind(e.kind()));
        assertThat(t.name()).as(where).isEqualTo(e.name());
        switch (t.kind()) {
            case INT -> {
                Int i = (Int) t;
                assertThat(i.size()).as(where).isEqualTo(e.intAttribute("size"));
                assertThat(i.bitOffset()).as(where).isEqualTo(e.intAttribute("bits_offset"));
                assertThat(i.bits()).as(where).isEqualTo(e.intAttribute("nr_bits"));
                assertThat(i.encoding().name()).as(where)
                        .isEqualTo(e.attribute("encoding").equals("(none)") ? "UNSIGNED" : e.attribute("encoding"));
            }
            case POINTER -> assertRef(spec, ((Pointer) t).target(), e.intAttribute("type_id"), where);
            case ARRAY -> {
                Array a = (Array) t;
                assertRef(spec, a.element(), e.intAttribute("type_id"), where);
                assertRef(spec, a.index(), e.intAttribute("index_type_id"), where);
                assertThat(Integer.toUnsignedLong(a.length())).as(where).isEqualTo(Long.parseLong(e.attribute("nr_elems")));
            }
            case STRUCT, UNION -> {
                Composite c = (Composite) t;
                assertThat(c.size()).as(where).isEqualTo(e.intAttribute("size"));
                List<Member> members = c.members();
                assertThat(members).as(where).hasSize(e.intAttribute("vlen"));
                for (int i = 0; i < members.size(); i++) {
                    Member m = members.get(i);
                    BpftoolDump.Line l = e.lines().get(i);
                    assertThat(m.name()).as(where).isEqualTo(l.name());
                    assertRef(spec, m.type(), (int) l.longAttribute("type_id"), where + "." + m.name());
                    assertThat(m.bitOffset()).as(where + "." + m.name()).isEqualTo((int) l.longAttribute("bits_offset"));
                    assertThat(m.bitfieldSize()).as(where + "." + m.name())
                            .isEqualTo(l.attributes().containsKey("bitfield_size") ? (int) l.longAttribute("bitfield_size") : 0);
                }
            }
            case ENUM, ENUM64 -> {
                Enumeration en = (Enumeration) t;
                assertThat(en.size()).as(where).isEqualTo(e.intAttribute("size"));
                assertThat(en.isSigned()).as(where).isEqualTo(e.attribute("encoding").equals("SIGNED"));
                assertThat(en.values()).as(where).hasSize(e.intAttribute("vlen"));
                for (int i = 0; i < en.values().size(); i++) {
                    EnumValue v = en.values().get(i);
                    BpftoolDump.Line l = e.lines().get(i);
                    assertThat(v.name()).as(where).isEqualTo(l.name());
                    String printed = l.attributes().get("val").replaceAll("U?LL$", ""); // ENUM64 literal suffix
                    assertThat(en.isSigned() ? Long.toString(v.value()) : Long.toUnsignedString(v.value()))
                            .as(where + "::" + v.name()).isEqualTo(printed);
                }
            }
            case FWD -> assertThat(((Fwd) t).target().name().toLowerCase()).as(where).isEqualTo(e.attribute("fwd_kind"));
            case TYPEDEF -> assertRef(spec, ((Typedef) t).type(), e.intAttribute("type_id"), where);
            case VOLATILE, CONST, RESTRICT, TYPE_TAG -> assertRef(spec, ((Qualifier) t).type(), e.intAttribute("type_id"), where);
            case FUNC -> {
                Func f = (Func) t;
                assertRef(spec, f.proto(), e.intAttribute("type_id"), where);
                assertThat(f.linkage().name().toLowerCase()).as(where).isEqualTo(e.attribute("linkage"));
            }
            case FUNC_PROTO -> {
                FuncProto p = (FuncProto) t;
                assertRef(spec, p.returnType(), e.intAttribute("ret_type_id"), where);
                assertThat(p.params()).as(where).hasSize(e.intAttribute("vlen"));
                for (int i = 0; i < p.params().size(); i++) {
                    Param param = p.params().get(i);
                    BpftoolDump.Line l = e.lines().get(i);
                    assertThat(param.name()).as(where).isEqualTo(l.name());
                    assertRef(spec, param.type(), (int) l.longAttribute("type_id"), where + " param " + i);
                }
            }
            case VAR -> {
                Var v = (Var) t;
                assertRef(spec, v.type(), e.intAttribute("type_id"), where);
                assertThat(v.linkage() == Linkage.GLOBAL ? "global" : v.linkage() == Linkage.STATIC ? "static" : "extern")
                        .as(where).isEqualTo(e.attribute("linkage"));
            }
            case DATASEC -> {
                Datasec d = (Datasec) t;
                assertThat(d.size()).as(where).isEqualTo(e.intAttribute("size"));
                assertThat(d.vars()).as(where).hasSize(e.intAttribute("vlen"));
                for (int i = 0; i < d.vars().size(); i++) {
                    VarSecinfo v = d.vars().get(i);
                    BpftoolDump.Line l = e.lines().get(i);
                    assertRef(spec, v.type(), (int) l.longAttribute("type_id"), where + " var " + i);
                    assertThat(v.offset()).as(where).isEqualTo((int) l.longAttribute("offset"));
                    assertThat(v.size()).as(where).isEqualTo((int) l.longAttribute("size"));
                }
            }
            case FLOAT -> assertThat(((Float) t).size()).as(where).isEqualTo(e.intAttribute("size"));
            case DECL_TAG -> {
                DeclTag d = (DeclTag) t;
                assertRef(spec, d.type(), e.intAttribute("type_id"), where);
                assertThat(d.componentIndex()).as(where).isEqualTo(e.intAttribute("component_idx"));
            }
            case VOID -> throw new AssertionError("void has no bpftool line");
        }
    }

    private static void assertRef(Spec spec, Type ref, int expectedId, String where) {
        assertThat(spec.typeId(ref)).as(where + " refers to").isEqualTo(expectedId);
    }
}
