package io.ebpf4j;

import io.ebpf4j.features.Features;
import io.ebpf4j.internal.KernelVersion;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.Fixtures;
import io.ebpf4j.testing.KernelFeature;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RequiresKernel(programTypes = {ProgramType.XDP, ProgramType.SYSCALL})
class BpfCollectionTest {
    private static final int XDP_PASS = 2;

    private Path pinDir;

    @BeforeEach
    void pinDirectory() throws IOException {
        pinDir = Path.of("/sys/fs/bpf", "ebpf4j-test-" + UUID.randomUUID());
    }

    @AfterEach
    void removePins() throws IOException {
        if (Files.exists(pinDir)) {
            try (Stream<Path> files = Files.walk(pinDir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private CollectionOptions options() {
        return CollectionOptions.defaults().withPinPath(pinDir.toString());
    }

    private static long u64(BpfMap map, int key) {
        byte[] k = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(key).array();
        return ByteBuffer.wrap(map.lookup(k).orElseThrow()).order(ByteOrder.nativeOrder()).getLong();
    }

    @Test
    void everyKindOfReferenceIsResolvedAndRuns() {
        CollectionSpec spec = fixture();
        spec.variables().get("increment").set(2);
        try (BpfCollection coll = BpfCollection.load(spec, options())) {
            BpfProgram xdp = coll.program("run_xdp");
            TestRun.Result first = xdp.testRun(TestRun.of(new byte[64]));
            assertThat(first.returnValue()).as("the tail call reached 'tail'").isEqualTo(XDP_PASS);
            xdp.testRun(TestRun.of(new byte[64]));

            assertThat(coll.variable("runs").getLong()).as(".data, incremented by the .rodata constant")
                    .isEqualTo(4);
            assertThat(coll.variable("tail_runs").getLong()).as("prog array slot 1").isEqualTo(2);
            assertThat(coll.variable("loop_sum").getLong()).as("bpf_loop callback 0+1+2+3+4").isEqualTo(10);
            assertThat(coll.variable("scaled").getLong()).as("global subprogram in .data.custom").isEqualTo(6);
            assertThat(u64(coll.map("persistent"), 0)).as("1, then += twice(2)/2").isEqualTo(3);
            assertThat(u64(coll.map("inner"), 0)).as("reached through the map-in-map").isEqualTo(2);
            assertThat(coll.programs()).containsOnlyKeys(spec.programs().values().stream().filter(ProgramSpec::autoload)
                    .map(ProgramSpec::name).toArray(String[]::new)).containsKeys("run_xdp", "tail");
            assertThat(xdp.info().mapIds()).hasSizeGreaterThanOrEqualTo(4);
        }
    }

    /**
     * The fixture; on a kernel without the kfunc run_syscall calls, that program stays unloaded (as libbpf's
     * autoload=false would leave it), so that the rest of the object is still tested there.
     */
    private static CollectionSpec fixture() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("collection.bpf.o"));
        if (!Features.hasKfunc("bpf_task_from_pid")) {
            spec.programs().get("run_syscall").autoload(false);
        }
        return spec;
    }

    @Test
    @RequiresKernel(features = KernelFeature.TASK_FROM_PID_KFUNC)
    void kfuncsCoreReadsAndKconfig() {
        CollectionSpec spec = fixture();
        try (BpfCollection coll = BpfCollection.load(spec, options())) {
            int pid = (int) ProcessHandle.current().pid();
            byte[] args = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(pid).array();
            TestRun.Result result = coll.program("run_syscall")
                    .testRun(new TestRun(new byte[0], 0, args, 0, 0, 0, 0)); // syscall programs refuse repeat
            assertThat(result.returnValue()).as("bpf_task_from_pid found this process").isZero();
            assertThat(coll.variable("task_tgid").getLong()).as("CO-RE read of task_struct.tgid").isEqualTo(pid);
            assertThat(coll.variable("task_comm").getString()).as("CO-RE read of task_struct.comm")
                    .isEqualTo(ProcessHandle.current().info().command().map(c -> Path.of(c).getFileName().toString())
                            .map(c -> c.length() > 15 ? c.substring(0, 15) : c).orElseThrow());
            assertThat(coll.variable("kernel_version").getLong()).isEqualTo(KernelVersion.current().code());
            assertThat(coll.variable("bpf_syscall_config").getLong()).isEqualTo(1);
            assertThat(coll.variable("missing_config").getLong()).as("weak kconfig default").isZero();
        }
    }

    @Test
    void pinnedMapKeepsItsContentsAcrossLoads() {
        CollectionSpec spec = fixture();
        try (BpfCollection coll = BpfCollection.load(spec, options())) {
            coll.program("run_xdp").testRun(TestRun.of(new byte[64]).withRepeat(3));
            assertThat(u64(coll.map("persistent"), 0)).isEqualTo(3);
        }
        assertThat(pinDir.resolve("persistent")).exists();
        try (BpfCollection again = BpfCollection.load(spec, options())) {
            assertThat(u64(again.map("persistent"), 0)).as("reused the pin").isEqualTo(3);
            again.program("run_xdp").testRun(TestRun.of(new byte[64]));
            assertThat(u64(again.map("persistent"), 0)).isEqualTo(4);
            assertThat(u64(again.map("inner"), 0)).as("not pinned: fresh, incremented once").isEqualTo(1);
        }
    }

    @Test
    void incompatiblePinIsRefusedWithADiff() throws IOException {
        Files.createDirectories(pinDir);
        try (BpfMap other = BpfMap.create(new MapSpec("persistent", MapType.HASH).keySize(4).valueSize(4)
                .maxEntries(8))) {
            other.pin(pinDir.resolve("persistent").toString());
        }
        CollectionSpec spec = fixture();
        assertThatThrownBy(() -> BpfCollection.load(spec, options())).isInstanceOf(BpfException.class)
                .hasMessageContaining("incompatible with map 'persistent'")
                .hasMessageContaining("value size 4 != 8").hasMessageContaining("max entries 8 != 16");
    }

    @Test
    void mapReplacementsAreUsedAndLeftOpen() {
        CollectionSpec spec = fixture();
        try (BpfMap mine = BpfMap.create(spec.maps().get("persistent").copy().pinning(Pinning.NONE))) {
            try (BpfCollection coll = BpfCollection.load(spec, options()
                    .withMapReplacements(Map.of("persistent", mine)))) {
                coll.program("run_xdp").testRun(TestRun.of(new byte[64]));
            }
            assertThat(mine.isClosed()).isFalse();
            assertThat(u64(mine, 0)).isEqualTo(1);
        }
    }

    @Test
    void bigEndianObjectsCannotBeLoadedHere() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("collection.bpfeb.o"));
        assertThatThrownBy(() -> BpfCollection.load(spec, options())).isInstanceOf(BpfException.class)
                .hasMessageContaining("big-endian").hasMessageContaining("recompile");
    }

    @Test
    void failedLoadsLeakNothing() {
        CollectionSpec spec = fixture();
        BpfCollection.load(spec, options()).close();
        FdCount.Snapshot before = FdCount.snapshot();
        for (int i = 0; i < 50; i++) {
            BpfCollection.load(spec, options()).close();
            CollectionSpec broken = spec.copy();
            broken.maps().get("jumps").contents(java.util.List.of(new MapSpec.Entry(1, "no_such_program")));
            assertThatThrownBy(() -> BpfCollection.load(broken, options())).isInstanceOf(BpfException.class)
                    .hasMessageContaining("no_such_program");
        }
        assertThat(before.openedSince()).isEmpty();
    }
}
