package io.ebpf4j.btf;

import io.ebpf4j.testing.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ebpf4j.BtfFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code .BTF.ext} of the fixtures: func_info, line_info and CO-RE records, and their re-marshalling. */
class ExtInfoTest {
    private static ExtInfo ext(String object, String target) {
        Spec spec = Spec.parse(Fixtures.section(object + "." + target + ".o", ".BTF"));
        return ExtInfo.parse(Fixtures.section(object + "." + target + ".o", ".BTF.ext"),
                target.equals("bpf") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN, spec);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bpf", "bpfeb"})
    void funcInfoNamesTheFunctionAtTheStartOfEachSection(String target) {
        ExtInfo ext = ext("btf_types", target);

        assertThat(ext.sections().keySet()).containsExactlyInAnyOrder("socket", ".text");
        FuncInfo prog = ext.section("socket").orElseThrow().funcInfos().get(0);
        assertThat(prog.insnOffset()).isZero();
        assertThat(Types.describe(prog.func())).isEqualTo("int prog(void *ctx)");
        assertThat(prog.func().linkage()).isEqualTo(Linkage.GLOBAL);
        FuncInfo add = ext.section(".text").orElseThrow().funcInfos().get(0);
        assertThat(Types.describe(add.func())).isEqualTo("int add(int a, int b)");
        assertThat(add.func().linkage()).isEqualTo(Linkage.STATIC);
        assertThat(ext.section("no_such_section")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bpf", "bpfeb"})
    void lineInfoQuotesTheSourceFile(String target) throws IOException {
        List<String> source = Files.readAllLines(Path.of("src/test/bpf/btf_types.c"));
        ExtInfo ext = ext("btf_types", target);

        for (ExtInfo.Section section : ext.sections().values()) {
            assertThat(section.lineInfos()).isNotEmpty();
            int previous = -1;
            for (LineInfo line : section.lineInfos()) {
                assertThat(line.fileName()).endsWith("btf_types.c");
                assertThat(line.insnOffset()).isGreaterThan(previous);
                previous = line.insnOffset();
                if (line.lineNumber() > 0) {
                    assertThat(line.line()).as("line %d", line.lineNumber()).isEqualTo(source.get(line.lineNumber() - 1));
                }
            }
            assertThat(section.lineInfos().get(0).insnOffset()).isZero();
        }
        assertThat(ext.section(".text").orElseThrow().lineInfos()).extracting(LineInfo::line)
                .contains("\treturn a + b + counter;");
    }

    @Test
    void bigEndianTwinHasTheSameRecords() {
        // The code differs (the bitfield read macro is endian-specific), the relocated accesses do not.
        ExtInfo.Section little = ext("btf_core", "bpf").section("tp_btf/sched_process_exec").orElseThrow();
        ExtInfo.Section big = ext("btf_core", "bpfeb").section("tp_btf/sched_process_exec").orElseThrow();

        assertThat(distinct(big.coreRelocations())).isEqualTo(distinct(little.coreRelocations()));
        assertThat(big.funcInfos()).extracting(f -> Types.describe(f.func()))
                .containsExactly(Types.describe(little.funcInfos().get(0).func()));
        assertThat(big.lineInfos()).extracting(LineInfo::lineNumber).containsAll(
                little.lineInfos().stream().map(LineInfo::lineNumber).toList());
    }

    private static Set<String> distinct(List<CoreRelocation> relos) {
        return relos.stream().map(r -> r.kind() + " " + Types.describe(r.type()) + " " + r.accessor() + " " + r.typeId())
                .collect(Collectors.toSet());
    }

    @Test
    void coreRecordsNameTheirKindsAndAccessStrings() {
        List<CoreRelocation> relos = ext("btf_core", "bpf").section("tp_btf/sched_process_exec").orElseThrow()
                .coreRelocations();

        assertThat(relos).extracting(CoreRelocation::kind).contains(CoreKind.FIELD_BYTE_OFFSET,
                CoreKind.FIELD_BYTE_SIZE, CoreKind.FIELD_EXISTS, CoreKind.FIELD_SIGNED, CoreKind.FIELD_LSHIFT_U64,
                CoreKind.FIELD_RSHIFT_U64, CoreKind.TYPE_ID_LOCAL, CoreKind.TYPE_ID_TARGET, CoreKind.TYPE_EXISTS,
                CoreKind.TYPE_SIZE, CoreKind.ENUMVAL_EXISTS, CoreKind.ENUMVAL_VALUE);
        assertThat(relos).anySatisfy(r -> {
            assertThat(r.kind()).isEqualTo(CoreKind.FIELD_BYTE_OFFSET);
            assertThat(r.type().name()).isEqualTo("task_struct");
            assertThat(r.accessor()).isEqualTo("0:3:2"); // task->comm[2]
        });
        assertThat(relos).allSatisfy(r -> assertThat(r.insnOffset() % 8).isZero());
    }

    @Test
    void marshalsKernelRecordsWithBuilderIdsAndStrings() {
        ExtInfo.Section section = ext("btf_types", "bpf").section("socket").orElseThrow();
        Builder btf = new Builder();
        btf.add(new Int("unrelated", 4, Int.Encoding.UNSIGNED));
        btf.add(section.funcInfos().get(0).func());
        List<FuncInfo> funcs = List.of(section.funcInfos().get(0),
                section.funcInfos().get(0).withInsnOffset(48)); // as if a subprogram were appended at insn 6
        byte[] funcBytes = ExtInfo.marshalFuncInfos(funcs, btf);
        byte[] lineBytes = ExtInfo.marshalLineInfos(section.lineInfos(), btf);
        Spec loaded = Spec.parse(btf.marshal());

        ByteBuffer f = ByteBuffer.wrap(funcBytes).order(ByteOrder.nativeOrder());
        assertThat(funcBytes).hasSize(2 * ExtInfo.FUNC_INFO_SIZE);
        assertThat(f.getInt(0)).isZero();
        assertThat(loaded.typeById(f.getInt(4)).name()).isEqualTo("prog");
        assertThat(f.getInt(8)).isEqualTo(6);

        ByteBuffer l = ByteBuffer.wrap(lineBytes).order(ByteOrder.nativeOrder());
        assertThat(lineBytes).hasSize(section.lineInfos().size() * ExtInfo.LINE_INFO_SIZE);
        for (int i = 0; i < section.lineInfos().size(); i++) {
            LineInfo expected = section.lineInfos().get(i);
            int at = i * ExtInfo.LINE_INFO_SIZE;
            assertThat(l.getInt(at)).isEqualTo(expected.instruction());
            assertThat(loaded.string(l.getInt(at + 4))).isEqualTo(expected.fileName());
            assertThat(loaded.string(l.getInt(at + 8))).isEqualTo(expected.line());
            assertThat(l.getInt(at + 12)).isEqualTo(expected.lineNumber() << 10 | expected.column());
        }
    }

    @Test
    void malformedExtInfoIsReported() {
        Spec spec = Spec.parse(Fixtures.section("btf_core.bpf.o", ".BTF"));
        byte[] ext = Fixtures.section("btf_core.bpf.o", ".BTF.ext");
        for (int length = 0; length < ext.length; length++) {
            byte[] truncated = Arrays.copyOf(ext, length);
            assertThatThrownBy(() -> ExtInfo.parse(truncated, ByteOrder.LITTLE_ENDIAN, spec)).as("length %d", length)
                    .isInstanceOf(BtfFormatException.class);
        }
        assertThatThrownBy(() -> ExtInfo.parse(ext, ByteOrder.BIG_ENDIAN, spec))
                .isInstanceOf(BtfFormatException.class).hasMessageContaining("byte order");

        ByteBuffer header = ByteBuffer.wrap(ext).order(ByteOrder.LITTLE_ENDIAN);
        int funcInfo = header.getInt(4) + header.getInt(8);
        assertThatThrownBy(() -> ExtInfo.parse(RawBtf.patch(ext, funcInfo, 6), ByteOrder.LITTLE_ENDIAN, spec))
                .isInstanceOf(BtfFormatException.class).hasMessageContaining("record size 6");
        assertThatThrownBy(() -> ExtInfo.parse(RawBtf.patch(ext, funcInfo + 8, 0), ByteOrder.LITTLE_ENDIAN, spec))
                .isInstanceOf(BtfFormatException.class).hasMessageContaining("claims 0 records");
        assertThatThrownBy(() -> ExtInfo.parse(RawBtf.patch(ext, funcInfo + 8, 0x7fffffff), ByteOrder.LITTLE_ENDIAN, spec))
                .isInstanceOf(BtfFormatException.class).hasMessageContaining("more than");
        assertThatThrownBy(() -> ExtInfo.parse(RawBtf.patch(ext, funcInfo + 4, 1 << 30), ByteOrder.LITTLE_ENDIAN, spec))
                .isInstanceOf(BtfFormatException.class).hasMessageContaining("string offset");
        int intType = spec.typeByName("int", Int.class).map(spec::typeId).orElseThrow();
        assertThatThrownBy(() -> ExtInfo.parse(RawBtf.patch(ext, funcInfo + 16, intType), ByteOrder.LITTLE_ENDIAN, spec))
                .isInstanceOf(BtfFormatException.class).hasMessageContaining("not a FUNC");
        assertThatThrownBy(() -> ExtInfo.parse(RawBtf.patch(ext, funcInfo + 12, 3), ByteOrder.LITTLE_ENDIAN, spec))
                .isInstanceOf(BtfFormatException.class).hasMessageContaining("multiple of 8");
    }
}
