package io.ebpf4j.btf;

import io.ebpf4j.testing.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ebpf4j.BpfException;
import io.ebpf4j.BtfFormatException;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class CoreResolverTest {
    private static final String SECTION = "tp_btf/sched_process_exec";

    private static List<CoreRelocation> fixtureRelocations() {
        Spec spec = Spec.parse(Fixtures.section("btf_core.bpf.o", ".BTF"));
        return ExtInfo.parse(Fixtures.section("btf_core.bpf.o", ".BTF.ext"), ByteOrder.LITTLE_ENDIAN, spec)
                .section(SECTION).orElseThrow().coreRelocations();
    }

    /** The fixture's relocation of this kind on this local type and access string. */
    private static CoreResult resolved(Map<String, CoreResult> results, CoreKind kind, String type, String accessor) {
        CoreResult r = results.get(kind + " " + type + " " + accessor);
        assertThat(r).as("%s %s %s in btf_core.c", kind, type, accessor).isNotNull();
        return r;
    }

    @Test
    void resolvesTheFixtureAgainstVmlinuxAsBpftoolDumpDescribesIt() {
        BpftoolDump dump = BpftoolDump.vmlinux();
        CoreResolver resolver = CoreResolver.of(Spec.kernel());
        Map<String, CoreResult> results = new HashMap<>();
        for (CoreRelocation relo : fixtureRelocations()) {
            results.put(relo.kind() + " " + relo.type().name() + " " + relo.accessor(), resolver.resolve(relo));
        }
        BpftoolDump.Entry task = dump.find("STRUCT", "task_struct");
        long tgid = task.line("tgid").longAttribute("bits_offset") / 8;

        assertTarget(resolved(results, CoreKind.FIELD_BYTE_OFFSET, "task_struct", "0:1"), tgid);
        assertThat(resolved(results, CoreKind.FIELD_BYTE_OFFSET, "task_struct", "0:1").localValue()).isEqualTo(4);
        assertTarget(resolved(results, CoreKind.FIELD_BYTE_OFFSET, "task_struct", "0:2"),
                task.line("real_parent").longAttribute("bits_offset") / 8);
        assertTarget(resolved(results, CoreKind.FIELD_BYTE_OFFSET, "task_struct", "0:0"),
                task.line("pid").longAttribute("bits_offset") / 8);
        long comm = task.line("comm").longAttribute("bits_offset") / 8;
        assertTarget(resolved(results, CoreKind.FIELD_BYTE_OFFSET, "task_struct", "0:3:2"), comm + 2);
        assertTarget(resolved(results, CoreKind.FIELD_EXISTS, "task_struct", "0:0"), 1);
        BpftoolDump.Entry commArray = dump.byId((int) task.line("comm").longAttribute("type_id"));
        long charSize = dump.byId(commArray.intAttribute("type_id")).intAttribute("size");
        assertTarget(resolved(results, CoreKind.FIELD_BYTE_SIZE, "task_struct", "0:3"),
                commArray.intAttribute("nr_elems") * charSize);

        // A one-bit bitfield in a 4-byte unsigned int: loaded as an aligned u32, shifted into place.
        BpftoolDump.Line bitfield = task.line("sched_contributes_to_load");
        long bit = bitfield.longAttribute("bits_offset");
        long width = bitfield.longAttribute("bitfield_size");
        BpftoolDump.Entry storage = dump.byId((int) bitfield.longAttribute("type_id"));
        assertThat(storage.intAttribute("size")).isEqualTo(4);
        long byteOffset = bit / 8 / 4 * 4;
        assertTarget(resolved(results, CoreKind.FIELD_BYTE_OFFSET, "task_struct", "0:4"), byteOffset);
        assertThat(resolved(results, CoreKind.FIELD_BYTE_OFFSET, "task_struct", "0:4").validate()).isFalse();
        assertTarget(resolved(results, CoreKind.FIELD_BYTE_SIZE, "task_struct", "0:4"), 4);
        assertTarget(resolved(results, CoreKind.FIELD_LSHIFT_U64, "task_struct", "0:4"), 64 - (bit + width - byteOffset * 8));
        assertTarget(resolved(results, CoreKind.FIELD_RSHIFT_U64, "task_struct", "0:4"), 64 - width);
        assertTarget(resolved(results, CoreKind.FIELD_SIGNED, "task_struct", "0:4"),
                storage.attribute("encoding").equals("SIGNED") ? 1 : 0);

        CoreResult flavored = resolved(results, CoreKind.FIELD_BYTE_OFFSET, "task_struct___local", "0:0");
        assertTarget(flavored, tgid);
        assertThat(flavored.targetSpec().nameOf(flavored.targetTypeId())).isEqualTo("task_struct");
        assertThat(flavored.targetName()).isEqualTo("vmlinux");

        assertTarget(resolved(results, CoreKind.TYPE_EXISTS, "task_struct", "0"), 1);
        assertTarget(resolved(results, CoreKind.TYPE_EXISTS, "no_such_type", "0"), 0);
        assertTarget(resolved(results, CoreKind.TYPE_SIZE, "task_struct", "0"), task.intAttribute("size"));
        CoreResult targetId = resolved(results, CoreKind.TYPE_ID_TARGET, "task_struct", "0");
        assertTarget(targetId, task.id());
        assertThat(targetId.validate()).isFalse();
        CoreResult localId = resolved(results, CoreKind.TYPE_ID_LOCAL, "task_struct", "0");
        assertThat(localId.targetValue()).isEqualTo(localId.relocation().typeId()).isEqualTo(localId.localValue());

        BpftoolDump.Entry pidType = dump.find("ENUM", "pid_type");
        assertTarget(resolved(results, CoreKind.ENUMVAL_EXISTS, "pid_type", "1"), 1);
        assertTarget(resolved(results, CoreKind.ENUMVAL_VALUE, "pid_type", "3"),
                pidType.line("PIDTYPE_SID").longAttribute("val"));
        assertTarget(resolved(results, CoreKind.ENUMVAL_EXISTS, "pid_type___missing", "0"), 0);

        assertTarget(resolved(results, CoreKind.FIELD_EXISTS, "task_struct___old", "0:0"), 0);
        CoreResult missing = resolved(results, CoreKind.FIELD_BYTE_OFFSET, "task_struct___old", "0:0");
        assertThat(missing.poison()).isTrue();
        assertThat(missing.targetTypeId()).isZero();
        assertThat(missing.targetSpec()).isNull();
    }

    private static void assertTarget(CoreResult result, long expected) {
        assertThat(result.poison()).as("%s", result).isFalse();
        assertThat(result.targetValue()).as("%s", result).isEqualTo(expected);
    }

    private static final Pattern PATCHED =
            Pattern.compile("relo #(\\d+): patched insn #(\\d+) \\(([^)]+)\\) (?:imm|off|imm64) (-?\\d+) -> (-?\\d+)");
    private static final Pattern POISONED = Pattern.compile("relo #(\\d+): substituting insn #(\\d+) w/ invalid insn");

    /** libbpf (through {@code bpftool -d prog load}) relocates the same object; every decision must agree. */
    @Test
    void agreesWithLibbpfOnEveryFixtureRelocation() throws IOException, InterruptedException {
        BpftoolDump.vmlinux();
        assumeTrue("root".equals(System.getProperty("user.name")), "bpftool prog load needs root");
        assumeTrue(bpffsMounted(), "bpffs is not mounted at /sys/fs/bpf");
        Path pin = Path.of("/sys/fs/bpf/ebpf4j_btf_core_test_" + ProcessHandle.current().pid());
        String log;
        try {
            Process p = new ProcessBuilder("bpftool", "-d", "prog", "load",
                    Fixtures.path("btf_core.bpf.o").toString(), pin.toString()).redirectErrorStream(true).start();
            log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assumeTrue(p.waitFor(60, TimeUnit.SECONDS), "bpftool hung");
        } finally {
            Files.deleteIfExists(pin);
        }
        List<CoreRelocation> relos = fixtureRelocations();
        CoreResolver resolver = CoreResolver.of(Spec.kernel());
        Map<Integer, Matcher> patched = new HashMap<>();
        Map<Integer, Matcher> poisoned = new HashMap<>();
        for (String line : log.split("\n")) {
            Matcher m = PATCHED.matcher(line);
            if (m.find()) {
                patched.put(Integer.parseInt(m.group(1)), m);
            }
            Matcher q = POISONED.matcher(line);
            if (q.find()) {
                poisoned.put(Integer.parseInt(q.group(1)), q);
            }
        }
        assumeTrue(patched.size() + poisoned.size() == relos.size(), "unexpected bpftool output:\n" + log);

        for (int i = 0; i < relos.size(); i++) {
            CoreRelocation relo = relos.get(i);
            CoreResult ours = resolver.resolve(relo);
            if (ours.poison()) {
                assertThat(poisoned).as("libbpf poisons relo #%d %s", i, relo).containsKey(i);
                assertThat(Integer.parseInt(poisoned.get(i).group(2))).isEqualTo(relo.instruction());
            } else {
                Matcher libbpf = patched.get(i);
                assertThat(libbpf).as("libbpf patches relo #%d %s", i, relo).isNotNull();
                assertThat(Integer.parseInt(libbpf.group(2))).isEqualTo(relo.instruction());
                assertThat(ours.targetValue()).as("relo #%d %s", i, relo).isEqualTo(Long.parseLong(libbpf.group(5)));
                if (ours.validate()) {
                    assertThat(ours.localValue()).as("instruction value of relo #%d %s", i, relo)
                            .isEqualTo(Long.parseLong(libbpf.group(4)));
                }
            }
        }
    }

    private static boolean bpffsMounted() throws IOException {
        return Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(l -> l.matches("\\S+ /sys/fs/bpf bpf .*"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Hand-built local and target types

    private static final Int INT = new Int("int", 4, Int.Encoding.SIGNED);
    private static final Int U32 = new Int("unsigned int", 4, Int.Encoding.UNSIGNED);
    private static final Int U64 = new Int("unsigned long", 8, Int.Encoding.UNSIGNED);
    private static final Int S64 = new Int("long", 8, Int.Encoding.SIGNED);

    private static Spec target(Type... types) {
        Builder b = new Builder();
        for (Type t : types) {
            b.add(t);
        }
        return Spec.parse(b.marshal());
    }

    private static CoreRelocation relo(Type local, String accessor, CoreKind kind) {
        return new CoreRelocation(0, local, 1, accessor, kind);
    }

    private static Struct struct(String name, int size, Member... members) {
        return new Struct(name, size, List.of(members));
    }

    @Test
    void candidatesThatDisagreeAreAmbiguous() {
        Struct local = struct("foo", 8, new Member("a", INT, 0), new Member("b", INT, 32));
        Spec target = target(struct("foo", 8, new Member("b", INT, 0)), struct("foo___v2", 8, new Member("b", INT, 32)));

        assertThatThrownBy(() -> CoreResolver.of(target).resolve(relo(local, "0:1", CoreKind.FIELD_BYTE_OFFSET)))
                .isInstanceOf(BpfException.class).hasMessageContaining("ambiguity");
    }

    @Test
    void candidatesThatAgreeAreFineAndNonMatchingOnesArePruned() {
        Struct local = struct("foo", 8, new Member("a", INT, 0), new Member("b", INT, 32));
        // foo and foo___same agree on b; foo___other has no b and no longer counts once it failed to match.
        Spec target = target(struct("foo", 16, new Member("b", INT, 64)), struct("foo___same", 16, new Member("b", INT, 64)),
                struct("foo___other", 4, new Member("a", INT, 0)));
        CoreResolver resolver = CoreResolver.of(target);

        CoreResult b = resolver.resolve(relo(local, "0:1", CoreKind.FIELD_BYTE_OFFSET));
        assertThat(b.targetValue()).isEqualTo(8);
        assertThat(b.localValue()).isEqualTo(4);
        assertThat(b.targetSpec().nameOf(b.targetTypeId())).isEqualTo("foo");
        // Only foo and foo___same remain candidates: neither has 'a', so it is missing (libbpf's pruning).
        assertThat(resolver.resolve(relo(local, "0:0", CoreKind.FIELD_EXISTS)).targetValue()).isZero();
        assertThat(CoreResolver.of(target).resolve(relo(local, "0:0", CoreKind.FIELD_EXISTS)).targetValue()).isOne();
    }

    @Test
    void membersAreFoundThroughAnonymousStructsAndUnions() {
        Struct local = struct("outer", 8, new Member("x", INT, 0), new Member("y", INT, 32));
        Union anonymous = new Union("", 8, List.of(new Member("x", INT, 0),
                new Member("", struct("", 8, new Member("pad", INT, 0), new Member("y", INT, 32)), 0)));
        Spec target = target(struct("outer", 24, new Member("first", S64, 0), new Member("", anonymous, 64)));

        CoreResult y = CoreResolver.of(target).resolve(relo(local, "0:1", CoreKind.FIELD_BYTE_OFFSET));
        assertThat(y.targetValue()).isEqualTo(8 + 4);
        assertThat(CoreResolver.of(target).resolve(relo(local, "0:0", CoreKind.FIELD_BYTE_OFFSET)).targetValue())
                .isEqualTo(8);
    }

    @Test
    void arrayIndexesMustFitTheTargetExceptForFlexibleArrays() {
        Struct local = struct("buf", 16, new Member("data", new Array(INT, U32, 4), 0));
        Spec smaller = target(struct("buf", 8, new Member("data", new Array(INT, U32, 2), 0)));
        assertThat(CoreResolver.of(smaller).resolve(relo(local, "0:0:3", CoreKind.FIELD_BYTE_OFFSET)).poison()).isTrue();
        assertThat(CoreResolver.of(smaller).resolve(relo(local, "0:0:1", CoreKind.FIELD_BYTE_OFFSET)).targetValue())
                .isEqualTo(4);

        Spec flexible = target(struct("buf", 8, new Member("len", S64, 0), new Member("data", new Array(INT, U32, 0), 64)));
        CoreResult element = CoreResolver.of(flexible).resolve(relo(local, "0:0:3", CoreKind.FIELD_BYTE_OFFSET));
        assertThat(element.targetValue()).isEqualTo(8 + 3 * 4);
        assertThat(element.targetFieldSize()).isEqualTo(4);

        // The second element of an array of the root type: "1" as the first access index.
        Spec plain = target(struct("buf", 32, new Member("data", new Array(INT, U32, 8), 0)));
        assertThat(CoreResolver.of(plain).resolve(relo(local, "1:0", CoreKind.FIELD_BYTE_OFFSET)).targetValue())
                .isEqualTo(32);
    }

    @Test
    void incompatibleFieldTypesDoNotMatch() {
        Struct local = struct("thing", 8, new Member("p", new Pointer(INT), 0));
        Spec target = target(struct("thing", 4, new Member("p", INT, 0)));
        CoreResolver resolver = CoreResolver.of(target);
        assertThat(resolver.resolve(relo(local, "0:0", CoreKind.FIELD_EXISTS)).targetValue()).isZero();
        assertThat(resolver.resolve(relo(local, "0:0", CoreKind.FIELD_BYTE_OFFSET)).poison()).isTrue();
    }

    @Test
    void accessSizeMayChangeOnlyForPointersAndUnsignedIntegers() {
        Struct local = struct("sizes", 8, new Member("u", U32, 0), new Member("s", INT, 32));
        Spec target = target(struct("sizes", 16, new Member("u", U64, 0), new Member("s", S64, 64)));
        CoreResolver resolver = CoreResolver.of(target);

        CoreResult u = resolver.resolve(relo(local, "0:0", CoreKind.FIELD_BYTE_OFFSET));
        assertThat(List.of(u.localFieldSize(), u.targetFieldSize())).containsExactly(4, 8);
        assertThat(u.unsafeSizeChange()).isFalse();
        CoreResult s = resolver.resolve(relo(local, "0:1", CoreKind.FIELD_BYTE_OFFSET));
        assertThat(s.targetValue()).isEqualTo(8);
        assertThat(s.unsafeSizeChange()).isTrue();
        assertThat(resolver.resolve(relo(local, "0:1", CoreKind.FIELD_SIGNED)).targetValue()).isOne();
        assertThat(resolver.resolve(relo(local, "0:0", CoreKind.FIELD_SIGNED)).targetValue()).isZero();
        assertThat(resolver.resolve(relo(local, "0:1", CoreKind.FIELD_BYTE_SIZE)).targetValue()).isEqualTo(8);
    }

    @Test
    void bitfieldsAreLoadedThroughTheSmallestCoveringInteger() {
        Struct local = struct("flags", 4, new Member("mode", U32, 3, 4));
        // In the target the field straddles a 4-byte boundary: a u64 load is needed.
        Spec target = target(struct("flags", 8, new Member("mode", U32, 30, 4)));
        CoreResolver resolver = CoreResolver.of(target);

        assertThat(resolver.resolve(relo(local, "0:0", CoreKind.FIELD_BYTE_SIZE)).targetValue()).isEqualTo(8);
        assertThat(resolver.resolve(relo(local, "0:0", CoreKind.FIELD_BYTE_OFFSET)).targetValue()).isZero();
        long lshift = resolver.resolve(relo(local, "0:0", CoreKind.FIELD_LSHIFT_U64)).targetValue();
        long rshift = resolver.resolve(relo(local, "0:0", CoreKind.FIELD_RSHIFT_U64)).targetValue();
        assertThat(rshift).isEqualTo(60);
        // Check the shifts by extracting the field from a word that has it set to 0b1011.
        long word = 0b1011L << 30;
        long extracted = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? (word << lshift) >>> rshift : 0b1011;
        assertThat(extracted).isEqualTo(0b1011);
    }

    @Test
    void typeRelocationsUseLibbpfCompatibilityAndMatchRules() {
        Struct local = struct("pair", 8, new Member("a", INT, 0), new Member("b", new Pointer(struct("node", 0)), 32));
        Spec sameLayout = target(struct("pair", 16, new Member("b", new Pointer(new Fwd("node", Fwd.Target.STRUCT)), 0),
                new Member("a", INT, 64), new Member("extra", INT, 96)));
        Spec differentSign = target(struct("pair", 8, new Member("a", U32, 0),
                new Member("b", new Pointer(struct("node", 0)), 32)));
        Spec missingMember = target(struct("pair", 4, new Member("a", INT, 0)));

        assertThat(CoreResolver.of(sameLayout).resolve(relo(local, "0", CoreKind.TYPE_MATCHES)).targetValue()).isOne();
        assertThat(CoreResolver.of(differentSign).resolve(relo(local, "0", CoreKind.TYPE_MATCHES)).targetValue()).isZero();
        assertThat(CoreResolver.of(missingMember).resolve(relo(local, "0", CoreKind.TYPE_MATCHES)).targetValue()).isZero();
        // "Compatible" is looser: any struct of the name.
        assertThat(CoreResolver.of(missingMember).resolve(relo(local, "0", CoreKind.TYPE_EXISTS)).targetValue()).isOne();
        assertThat(CoreResolver.of(missingMember).resolve(relo(local, "0", CoreKind.TYPE_SIZE)).targetValue()).isEqualTo(4);
        assertThat(CoreResolver.of(missingMember).resolve(relo(local, "0", CoreKind.TYPE_SIZE)).localValue()).isEqualTo(8);

        Typedef handler = new Typedef("handler_t", new Pointer(new FuncProto(INT, List.of(new Param("x", INT)))));
        Spec twoParams = target(new Typedef("handler_t", new Pointer(new FuncProto(INT,
                List.of(new Param("x", INT), new Param("y", INT))))));
        Spec oneParam = target(new Typedef("handler_t", new Pointer(new FuncProto(S64, List.of(new Param("", S64))))));
        assertThat(CoreResolver.of(twoParams).resolve(relo(handler, "0", CoreKind.TYPE_EXISTS)).targetValue()).isZero();
        assertThat(CoreResolver.of(oneParam).resolve(relo(handler, "0", CoreKind.TYPE_EXISTS)).targetValue()).isOne();
        assertThat(CoreResolver.of(oneParam).resolve(relo(handler, "0", CoreKind.TYPE_MATCHES)).targetValue()).isZero();
    }

    @Test
    void enumValuesOfEveryWidth() {
        Enum local = new Enum("mode", 4, false, List.of(new EnumValue("MODE_A", 0), new EnumValue("MODE_B", 1)));
        Spec target = target(new Enum64("mode", 8, false, List.of(new EnumValue("MODE_B", 1L << 40),
                new EnumValue("MODE_A", 7))));
        CoreResolver resolver = CoreResolver.of(target);
        assertThat(resolver.resolve(relo(local, "1", CoreKind.ENUMVAL_VALUE)).targetValue()).isEqualTo(1L << 40);
        assertThat(resolver.resolve(relo(local, "0", CoreKind.ENUMVAL_VALUE)).targetValue()).isEqualTo(7);

        Spec signed = target(new Enum("mode", 4, true, List.of(new EnumValue("MODE_B", -2))));
        CoreResult negative = CoreResolver.of(signed).resolve(relo(local, "1", CoreKind.ENUMVAL_VALUE));
        assertThat(negative.targetValue()).isEqualTo(-2);
        assertThat(CoreResolver.of(signed).resolve(relo(local, "0", CoreKind.ENUMVAL_VALUE)).poison()).isTrue();
        assertThat(CoreResolver.of(signed).resolve(relo(local, "0", CoreKind.ENUMVAL_EXISTS)).targetValue()).isZero();
    }

    @Test
    void moduleBtfIsSearchedWhenVmlinuxHasNoCandidate() {
        Spec vmlinux = target(INT, struct("in_vmlinux", 4, new Member("x", INT, 0)));
        Builder module = Builder.split(vmlinux);
        module.add(struct("in_module", 16, new Member("pad", S64, 0), new Member("x", vmlinux.typeById(1), 64)));
        Spec moduleSpec = Spec.parseSplit(module.marshal(), vmlinux);
        CoreResolver resolver = CoreResolver.of(vmlinux, Map.of("my_module", moduleSpec));

        CoreResult r = resolver.resolve(relo(struct("in_module", 4, new Member("x", INT, 0)), "0:0",
                CoreKind.FIELD_BYTE_OFFSET));
        assertThat(r.targetValue()).isEqualTo(8);
        assertThat(r.targetName()).isEqualTo("my_module");
        assertThat(r.targetSpec()).isSameAs(moduleSpec);
        CoreResult id = resolver.resolve(relo(struct("in_module", 4, new Member("x", INT, 0)), "0", CoreKind.TYPE_ID_TARGET));
        assertThat(id.targetValue()).isEqualTo(vmlinux.typeCount());
        assertThat(resolver.resolve(relo(struct("in_vmlinux", 4), "0", CoreKind.TYPE_EXISTS)).targetName())
                .isEqualTo("vmlinux");
    }

    @Test
    void badAccessStringsAndAnonymousTypesAreRejected() {
        Struct local = struct("s", 4, new Member("x", INT, 0));
        CoreResolver resolver = CoreResolver.of(target(local));
        for (String bad : List.of("", ":0", "0:", "0:x", "0:1", "0:-1", "0:0:0", "1:2:3:4")) {
            assertThatThrownBy(() -> resolver.resolve(relo(local, bad, CoreKind.FIELD_BYTE_OFFSET))).as(bad)
                    .isInstanceOf(BtfFormatException.class).hasMessageContaining("access string");
        }
        assertThatThrownBy(() -> resolver.resolve(relo(local, "0:0", CoreKind.TYPE_EXISTS)))
                .isInstanceOf(BtfFormatException.class);
        assertThatThrownBy(() -> resolver.resolve(relo(local, "0:0", CoreKind.ENUMVAL_EXISTS)))
                .isInstanceOf(BtfFormatException.class);
        assertThatThrownBy(() -> resolver.resolve(relo(struct("", 4, new Member("x", INT, 0)), "0:0",
                CoreKind.FIELD_BYTE_OFFSET))).isInstanceOf(BpfException.class).hasMessageContaining("anonymous");
    }
}
