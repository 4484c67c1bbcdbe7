package io.ebpf4j.btf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ebpf4j.internal.KernelVersion;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BPF_BTF_LOAD against the running kernel; needs root. */
class HandleTest {
    @BeforeEach
    void needsRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "loading BTF needs root (CAP_BPF)");
    }

    private static String bpftool(String... args) {
        List<String> command = new ArrayList<>(List.of("bpftool"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assumeTrue(p.waitFor(30, TimeUnit.SECONDS), "bpftool hung");
            return output;
        } catch (IOException e) {
            assumeTrue(false, "bpftool is not installed: " + e);
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void loadsAnIntAndAStructAndBpftoolListsThem() {
        Int i = new Int("int", 4, Int.Encoding.SIGNED);
        Struct point = new Struct("point", 8, List.of(new Member("x", i, 0), new Member("y", i, 32)));
        Builder b = new Builder();
        b.add(point);

        int id;
        try (Handle handle = Handle.load(b)) {
            id = handle.id();
            assertThat(handle.fd()).isPositive();
            assertThat(id).isPositive();
            assertThat(handle.isKernel()).isFalse();
            assertThat(bpftool("btf", "show", "id", Integer.toString(id))).startsWith(id + ": ")
                    .contains("size " + b.marshal().length + "B");
            assertThat(bpftool("btf", "dump", "id", Integer.toString(id)))
                    .contains("STRUCT 'point' size=8 vlen=2").contains("'y' type_id=2 bits_offset=32");
            assertThat(Types.equivalent(handle.spec().typeById(1), point)).isTrue();

            try (Handle again = Handle.fromId(id)) {
                assertThat(again.id()).isEqualTo(id);
                assertThat(again.fd()).isNotEqualTo(handle.fd());
            }
        }
    }

    @Test
    void kernelRejectionCarriesTheBtfLog() {
        Int i = new Int("int", 4, Int.Encoding.SIGNED);
        Builder b = new Builder();
        b.add(new Struct("too_small", 2, List.of(new Member("x", i, 0))));

        assertThatThrownBy(() -> Handle.load(b)).isInstanceOfSatisfying(BtfLoadException.class, e -> {
            assertThat(e.errnoName()).isEqualTo("EINVAL");
            assertThat(e.log()).contains("too_small");
            assertThat(e.getMessage()).contains("kernel BTF log");
        });
    }

    @Test
    void vmlinuxKernelObjectReadsBackLikeTheSysfsFile() {
        BpftoolDump.vmlinux();
        try (Handle vmlinux = Handle.fromId(1)) {
            assertThat(vmlinux.isKernel()).isTrue();
            assertThat(vmlinux.name()).isEqualTo("vmlinux");
            assertThat(vmlinux.spec().typeCount()).isEqualTo(Spec.kernel().typeCount());
        }
    }

    @Test
    void sanitisedBtfLoads() {
        Int i = new Int("int", 4, Int.Encoding.SIGNED);
        Var x = new Var("x", new Float("double", 8), Linkage.GLOBAL);
        Builder b = new Builder();
        b.add(new Datasec(".data", 8, List.of(new VarSecinfo(x, 0, 8))));
        b.add(new Func("f", new FuncProto(i, List.of(new Param("a", i))), Linkage.GLOBAL));
        b.add(new Enum64("e64", 8, false, List.of(new EnumValue("A", 1L << 40))));
        b.add(new Pointer(new TypeTag("user", i)));
        b.add(new DeclTag("tag", x, -1));

        byte[] oldest = b.marshal(new MarshalOptions(ByteOrder.nativeOrder(), BtfFeatures.NONE));
        try (Handle handle = Handle.load(oldest)) {
            assertThat(handle.id()).isPositive();
        }
        try (Handle handle = Handle.load(b.marshal())) {
            assertThat(handle.id()).isPositive();
        }
    }

    @Test
    void thisKernelSupportsEveryBtfFeature() {
        // 6.0 added the last of them (ENUM64); KERNEL.md: 6.18.
        assumeTrue(KernelVersion.current().atLeast(6, 0), "kernel older than 6.0");
        BtfFeatures f = BtfFeatures.kernel();
        assertThat(List.of(f.funcs(), f.globalFuncs(), f.datasec(), f.floats(), f.declTags(), f.typeTags(), f.enum64()))
                .containsOnly(true);
    }

    @Test
    void vmlinuxTypeGraphLoadsAsStandaloneBtf() {
        BpftoolDump.vmlinux();
        Builder b = new Builder();
        int id = b.add(Spec.kernel().typeByName("task_struct", Struct.class).orElseThrow());
        try (Handle handle = Handle.load(b)) {
            assertThat(bpftool("btf", "dump", "id", Integer.toString(handle.id())))
                    .contains("[" + id + "] STRUCT 'task_struct'");
        }
    }
}
