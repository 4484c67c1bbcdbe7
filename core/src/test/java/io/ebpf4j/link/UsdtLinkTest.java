package io.ebpf4j.link;

import io.ebpf4j.testing.NativeBinaries;

import io.ebpf4j.BpfCollection;
import io.ebpf4j.BpfException;
import io.ebpf4j.CollectionSpec;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.ProgramType;
import io.ebpf4j.asm.AluOp;
import io.ebpf4j.asm.Helper;
import io.ebpf4j.asm.Instructions;
import io.ebpf4j.asm.JumpOp;
import io.ebpf4j.asm.Register;
import io.ebpf4j.asm.Size;
import io.ebpf4j.internal.sys.Arch;
import io.ebpf4j.testing.Fixtures;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UsdtLinkTest {
    private static final int COOKIE = 77;

    /**
     * What a program built with libbpf's usdt.bpf.h does (here for its 208-byte spec layout): find the spec by the
     * attach cookie, read arguments 0 and 1 as {@code bpf_usdt_arg()} would, count runs in counters[0], sum the
     * arguments in counters[1] and [2] and the spec's usdt cookie in counters[3].
     */
    static Instructions usdtArgumentSums(BpfMap specs, BpfMap counters) {
        Instructions.Builder b = Instructions.builder()
                .mov64(Register.R6, Register.R1)
                .call(Helper.GET_ATTACH_COOKIE)
                .store(Size.W, Register.R10, -4, Register.R0)
                .mov64(Register.R2, Register.R10)
                .add64(Register.R2, -4)
                .loadMapFd(Register.R1, specs.fd())
                .call(Helper.MAP_LOOKUP_ELEM)
                .jumpIf(JumpOp.JEQ, Register.R0, 0, "out")
                .mov64(Register.R7, Register.R0);
        Programs.increment(b, counters, 0);
        for (int i = 0; i < 2; i++) {
            int spec = 16 * i;
            b.load(Size.DW, Register.R8, Register.R7, spec) // val_off
                    .load(Size.W, Register.R9, Register.R7, spec + 8) // arg_type
                    .jumpIf(JumpOp.JEQ, Register.R9, Usdt.ARG_CONST, "shift" + i)
                    .load(Size.H, Register.R2, Register.R7, spec + 12) // reg_off
                    .mov64(Register.R3, Register.R6)
                    .add64(Register.R3, Register.R2)
                    .mov64(Register.R1, Register.R10)
                    .add64(Register.R1, -24)
                    .mov64(Register.R2, 8)
                    .call(Helper.PROBE_READ_KERNEL)
                    .jumpIf(JumpOp.JNE, Register.R0, 0, "out")
                    .load(Size.DW, Register.R1, Register.R10, -24)
                    .jumpIf(JumpOp.JNE, Register.R9, Usdt.ARG_REG, "deref" + i)
                    .mov64(Register.R8, Register.R1)
                    .ja("shift" + i)
                    .label("deref" + i)
                    .mov64(Register.R3, Register.R1)
                    .add64(Register.R3, Register.R8)
                    .mov64(Register.R1, Register.R10)
                    .add64(Register.R1, -24)
                    .mov64(Register.R2, 8)
                    .call(Helper.PROBE_READ_USER)
                    .jumpIf(JumpOp.JNE, Register.R0, 0, "out")
                    .load(Size.DW, Register.R8, Register.R10, -24)
                    .label("shift" + i)
                    .load(Size.B, Register.R1, Register.R7, spec + 15) // arg_bitshift
                    .append(AluOp.LSH.reg(Register.R8, Register.R1))
                    .load(Size.B, Register.R2, Register.R7, spec + 14) // arg_signed
                    .jumpIf(JumpOp.JEQ, Register.R2, 0, "unsigned" + i)
                    .append(AluOp.ARSH.reg(Register.R8, Register.R1))
                    .ja("done" + i)
                    .label("unsigned" + i)
                    .append(AluOp.RSH.reg(Register.R8, Register.R1))
                    .label("done" + i);
            Programs.add(b, counters, 1 + i, Register.R8);
        }
        b.load(Size.DW, Register.R8, Register.R7, 192); // usdt_cookie
        Programs.add(b, counters, 3, Register.R8);
        return b.label("out").mov64(Register.R0, 0).exit().build();
    }

    static BpfMap specsMap(int valueSize) {
        return specsMap(valueSize, 256);
    }

    static BpfMap specsMap(int valueSize, int slots) {
        return BpfMap.create(new MapSpec(Usdt.SPECS_MAP, MapType.ARRAY).keySize(4).valueSize(valueSize)
                .maxEntries(slots));
    }

    @Test
    @RequiresKernel(programTypes = ProgramType.KPROBE)
    void argumentsInRegistersAndMemoryAreReadCorrectly() {
        Executable binary = Executable.of(NativeBinaries.probeTarget());
        int n = 10;
        try (BpfMap specs = specsMap(Usdt.SPEC_SIZE_LEGACY); BpfMap counts = Programs.counters(4);
                TargetProcess target = TargetProcess.start("usdt", n);
                BpfProgram program = Programs.load("usdt", ProgramType.KPROBE, usdtArgumentSums(specs, counts));
                BpfLink link = Links.usdt(binary, "ebpf4j", "tick", program, UsdtOptions.defaults()
                        .withPid(target.pid()).withCookie(COOKIE))) {
            assertThat(link.description()).isEqualTo("usdt " + binary.path() + ":ebpf4j:tick in pid " + target.pid()
                    + " <- program 'usdt'");
            long sum = target.go();
            assertThat(sum).isEqualTo(1000L * n + n * (n - 1) / 2);
            assertThat(Programs.read(counts, 0)).isEqualTo(n);
            assertThat(Programs.read(counts, 1)).isEqualTo(sum); // the register argument
            assertThat(Programs.read(counts, 2)).isEqualTo(2 * sum); // the stack argument
            assertThat(Programs.read(counts, 3)).isEqualTo((long) COOKIE * n);
        }
    }

    @Test
    @RequiresKernel(programTypes = ProgramType.KPROBE)
    void clangBuiltProgramReadsArgumentsWithLibbpfsBpfUsdtArg() {
        Executable binary = Executable.of(NativeBinaries.probeTarget());
        int n = 10;
        try (BpfCollection coll = BpfCollection.load(CollectionSpec.load(Fixtures.bytes("usdt_args.bpf.o")));
                TargetProcess target = TargetProcess.start("usdt", n);
                BpfLink link = Links.usdt(binary, "ebpf4j", "tick", coll.program("tick"), UsdtOptions.defaults()
                        .withPid(target.pid()).withCookie(COOKIE))) {
            long sum = target.go();
            assertThat(sum).isEqualTo(1000L * n + n * (n - 1) / 2);
            assertThat(coll.variable("calls").getLong()).isEqualTo(n);
            assertThat(coll.variable("value_sum").getLong()).as("the register argument").isEqualTo(sum);
            assertThat(coll.variable("doubled_sum").getLong()).as("the stack argument").isEqualTo(2 * sum);
            assertThat(coll.variable("cookie_sum").getLong()).isEqualTo((long) COOKIE * n);
        }
    }

    @Test
    @RequiresKernel(programTypes = ProgramType.KPROBE)
    void staticallyLinkedUsdtProgramsReadTheirArguments() {
        // linked.bpf.o is linked by bpftool from two objects that both include usdt.bpf.h: the linker keeps one
        // copy of its helpers and leaves the other's code behind without symbols.
        Executable binary = Executable.of(NativeBinaries.probeTarget());
        int n = 5;
        try (BpfCollection coll = BpfCollection.load(CollectionSpec.load(Fixtures.bytes("linked.bpf.o")));
                TargetProcess target = TargetProcess.start("usdt", n);
                BpfLink a = Links.usdt(binary, "ebpf4j", "tick", coll.program("tick_a"), UsdtOptions.defaults()
                        .withPid(target.pid()));
                BpfLink b = Links.usdt(binary, "ebpf4j", "tick", coll.program("tick_b"), UsdtOptions.defaults()
                        .withPid(target.pid()))) {
            long sum = target.go();
            assertThat(coll.variable("value_sum_a").getLong()).isEqualTo(sum);
            assertThat(coll.variable("value_sum_b").getLong()).isEqualTo(sum);
        }
    }

    @Test
    @RequiresKernel(programTypes = ProgramType.KPROBE)
    void semaphoreIsRaisedWhileAttached() {
        Executable binary = Executable.of(NativeBinaries.probeTarget());
        assertThat(TargetProcess.run("guarded", 5)).isZero(); // nothing attached: the probe site is skipped
        try (BpfMap specs = specsMap(Usdt.SPEC_SIZE_LEGACY); BpfMap counts = Programs.counters(4);
                TargetProcess target = TargetProcess.start("guarded", 5);
                BpfProgram program = Programs.load("usdt", ProgramType.KPROBE, usdtArgumentSums(specs, counts));
                BpfLink link = Links.usdt(binary, "ebpf4j", "guarded", program, UsdtOptions.defaults()
                        .withPid(target.pid()))) {
            assertThat(target.go()).isEqualTo(5);
            assertThat(Programs.read(counts, 0)).isEqualTo(5);
            assertThat(Programs.read(counts, 1)).isEqualTo(0 + 1 + 2 + 3 + 4);
        }
    }

    @Test
    @RequiresKernel(programTypes = ProgramType.KPROBE)
    void specSlotsAreReusedAfterClose() {
        Executable binary = Executable.of(NativeBinaries.probeTarget());
        try (BpfMap specs = specsMap(Usdt.SPEC_SIZE_LEGACY, 2); BpfMap counts = Programs.counters(4);
                BpfProgram program = Programs.load("usdt", ProgramType.KPROBE, usdtArgumentSums(specs, counts))) {
            try (BpfLink first = Links.usdt(binary, "ebpf4j", "tick", program);
                    BpfLink second = Links.usdt(binary, "ebpf4j", "guarded", program)) {
                assertThatThrownBy(() -> Links.usdt(binary, "ebpf4j", "tick", program))
                        .isInstanceOf(BpfException.class).hasMessageContaining("no free slot");
            }
            for (int i = 0; i < 5; i++) { // more attachments than slots, one at a time
                Links.usdt(binary, "ebpf4j", "tick", program).close();
            }
        }
    }

    @Test
    @RequiresKernel(programTypes = ProgramType.KPROBE)
    void missingProbesAndMapsAreExplained() {
        Executable binary = Executable.of(NativeBinaries.probeTarget());
        try (BpfMap specs = specsMap(Usdt.SPEC_SIZE_LEGACY); BpfMap counts = Programs.counters(4);
                BpfProgram program = Programs.load("usdt", ProgramType.KPROBE, usdtArgumentSums(specs, counts));
                BpfProgram plain = Programs.load("plain", ProgramType.KPROBE, Programs.counting(counts, 0))) {
            assertThatThrownBy(() -> Links.usdt(binary, "ebpf4j", "nothing", program))
                    .isInstanceOf(BpfException.class)
                    .hasMessageContaining("no USDT probe ebpf4j:nothing in " + binary.path())
                    .hasMessageContaining("ebpf4j:tick").hasMessageContaining("ebpf4j:guarded");
            assertThatThrownBy(() -> Links.usdt(binary, "ebpf4j", "tick", plain))
                    .isInstanceOf(BpfException.class)
                    .hasMessageContaining("does not use a __bpf_usdt_specs map");
        }
    }

    @Test
    void notesOfTheTestBinaryAreRead() {
        Executable binary = Executable.of(NativeBinaries.probeTarget());
        List<Usdt.Probe> probes = Usdt.probes(binary);
        assertThat(probes).extracting(Usdt.Probe::fullName).contains("ebpf4j:tick", "ebpf4j:guarded");
        for (Usdt.Probe probe : probes) {
            assertThat(probe.semaphoreOffset()).isPositive();
            assertThat(probe.fileOffset()).isPositive();
            assertThat(Usdt.parseArguments(probe.arguments(), Arch.current(), probe.fullName())).isNotEmpty();
        }
    }

    @Test
    void x86ArgumentLocationsAreParsedLikeLibbpf() {
        List<Usdt.Argument> arguments = Usdt.parseArguments(
                "-4@%edi 8@-8(%rbp) 8@(%rsp) 4@$5 -2@$-3 1@-96(%rbp,%rax,8) 8@(%r12,%r13) -1@%r9b", Arch.X86_64, "p");
        assertThat(arguments).containsExactly(
                new Usdt.Argument(Usdt.ARG_REG, 0, 112, 0, 0, true, 32),
                new Usdt.Argument(Usdt.ARG_REG_DEREF, -8, 32, 0, 0, false, 0),
                new Usdt.Argument(Usdt.ARG_REG_DEREF, 0, 152, 0, 0, false, 0),
                new Usdt.Argument(Usdt.ARG_CONST, 5, 0, 0, 0, false, 32),
                new Usdt.Argument(Usdt.ARG_CONST, -3, 0, 0, 0, true, 48),
                new Usdt.Argument(Usdt.ARG_SIB, -96, 32, 80, 3, false, 56),
                new Usdt.Argument(Usdt.ARG_SIB, 0, 24, 16, 0, false, 0),
                new Usdt.Argument(Usdt.ARG_REG, 0, 64, 0, 0, true, 56));
        assertThat(Usdt.parseArguments("", Arch.X86_64, "p")).isEmpty();
        assertThatThrownBy(() -> Usdt.parseArguments("8@%xmm0", Arch.X86_64, "p:q"))
                .hasMessageContaining("unknown register %xmm0").hasMessageContaining("p:q");
        assertThatThrownBy(() -> Usdt.parseArguments("3@%eax", Arch.X86_64, "p"))
                .hasMessageContaining("unsupported argument size 3");
        assertThatThrownBy(() -> Usdt.parseArguments("8@counter(%rip)", Arch.X86_64, "p"))
                .hasMessageContaining("unrecognized argument '8@counter(%rip)'");
        assertThatThrownBy(() -> Usdt.parseArguments("1@$1 ".repeat(13), Arch.X86_64, "p"))
                .hasMessageContaining("more than 12 arguments");
        assertThatThrownBy(() -> Usdt.parseArguments("8@$99999999999999999999", Arch.X86_64, "p"))
                .isInstanceOf(BpfException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Usdt.parseArguments("4294967304@%eax", Arch.X86_64, "p"))
                .isInstanceOf(BpfException.class).hasMessageContaining("unsupported argument size");
    }

    @Test
    void arm64ArgumentLocationsAreParsedLikeLibbpf() {
        assertThat(Usdt.parseArguments("-4@x0 8@[sp, 16] 8@[x29] 4@5 8@x30", Arch.AARCH64, "p")).containsExactly(
                new Usdt.Argument(Usdt.ARG_REG, 0, 0, 0, 0, true, 32),
                new Usdt.Argument(Usdt.ARG_REG_DEREF, 16, 248, 0, 0, false, 0),
                new Usdt.Argument(Usdt.ARG_REG_DEREF, 0, 232, 0, 0, false, 0),
                new Usdt.Argument(Usdt.ARG_CONST, 5, 0, 0, 0, false, 32),
                new Usdt.Argument(Usdt.ARG_REG, 0, 240, 0, 0, false, 0));
    }

    @Test
    void specsAreEncodedInBothLibbpfLayouts() {
        List<Usdt.Argument> arguments = List.of(new Usdt.Argument(Usdt.ARG_REG_DEREF, -8, 32, 0, 0, true, 32),
                new Usdt.Argument(Usdt.ARG_SIB, 16, 152, 0x123, 2, false, 0));
        // libbpf 1.7+: 24-byte records (offsets as clang lays out struct __bpf_usdt_arg_spec's bit fields)
        ByteBuffer sib = ByteBuffer.wrap(Usdt.encode(arguments, 99, Usdt.SPEC_SIZE_SIB, "p"))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(sib.getLong(0)).isEqualTo(-8);
        assertThat(sib.get(8)).isEqualTo((byte) Usdt.ARG_REG_DEREF);
        assertThat(sib.getShort(14)).isEqualTo((short) 32);
        assertThat(sib.get(16)).isEqualTo((byte) 1);
        assertThat(sib.get(17)).isEqualTo((byte) 32);
        assertThat(sib.get(24 + 8)).isEqualTo((byte) Usdt.ARG_SIB);
        assertThat(sib.getShort(24 + 10)).isEqualTo((short) 0x2123); // index register 0x123, scale shift 2
        assertThat(sib.getLong(288)).isEqualTo(99);
        assertThat(sib.getShort(296)).isEqualTo((short) 2);

        // libbpf up to 1.6: 16-byte records, no scaled-index arguments
        ByteBuffer legacy = ByteBuffer.wrap(Usdt.encode(arguments.subList(0, 1), 99, Usdt.SPEC_SIZE_LEGACY, "p"))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(legacy.getLong(0)).isEqualTo(-8);
        assertThat(legacy.getInt(8)).isEqualTo(Usdt.ARG_REG_DEREF);
        assertThat(legacy.getShort(12)).isEqualTo((short) 32);
        assertThat(legacy.get(14)).isEqualTo((byte) 1);
        assertThat(legacy.get(15)).isEqualTo((byte) 32);
        assertThat(legacy.getLong(192)).isEqualTo(99);
        assertThat(legacy.getShort(200)).isEqualTo((short) 1);
        assertThatThrownBy(() -> Usdt.encode(arguments, 0, Usdt.SPEC_SIZE_LEGACY, "p:q"))
                .hasMessageContaining("libbpf 1.7");
        assertThatThrownBy(() -> Usdt.encode(arguments, 0, 100, "p"))
                .hasMessageContaining("100-byte values");
    }
}
