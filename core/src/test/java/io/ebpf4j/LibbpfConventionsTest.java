package io.ebpf4j;

import io.ebpf4j.btf.Func;
import io.ebpf4j.btf.Linkage;
import io.ebpf4j.internal.Os;
import io.ebpf4j.link.UprobeOptions;
import io.ebpf4j.link.UsdtOptions;
import io.ebpf4j.perf.PerfReader;
import io.ebpf4j.ringbuf.RingBufferReader;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.Fixtures;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Objects written for libbpf, compiled by clang from {@code src/test/bpf}, that ebpf4j must read and load the way
 * libbpf does (issue 12): each test loads its object on the running kernel and watches the effect.
 */
@RequiresKernel(programTypes = {ProgramType.SYSCALL, ProgramType.XDP})
class LibbpfConventionsTest {

    /** Runs a {@code SEC("syscall")} program once, without context. */
    private static int run(BpfProgram program) {
        return program.testRun(new TestRun(new byte[0], 0, new byte[0], 0, 0, 0, 0)).returnValue();
    }

    private static long u64(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getLong();
    }

    @Test
    void ringBufferSizesAreRoundedUpToAPowerOfTwoMultipleOfThePageSize() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("ringbuf_size.bpf.o"));
        assertThat(spec.maps().get("events").maxEntries()).as("declared 1000, rounded on open like libbpf")
                .isEqualTo(Os.pageSize());
        spec.maps().get("events").maxEntries(Os.pageSize() + 1); // edited after opening: rounded on creation
        try (BpfCollection coll = BpfCollection.load(spec);
                RingBufferReader reader = RingBufferReader.open(coll.map("events"))) {
            assertThat(coll.map("events").maxEntries()).isEqualTo(2 * Os.pageSize());
            run(coll.program("send_event"));
            reader.setDeadline(Instant.now().plusSeconds(5));
            assertThat(reader.read()).hasValueSatisfying(r -> assertThat(u64(r.toByteArray())).isEqualTo(42));
        }
        try (BpfMap map = BpfMap.create(new MapSpec("rb", MapType.RINGBUF).maxEntries(1000))) {
            assertThat(map.maxEntries()).isEqualTo(Os.pageSize());
        }
    }

    @Test
    void aMapLeftUncreatedIsAbsentAndProgramsUsingItAreRefusedBeforeAnythingIsCreated() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("ringbuf_size.bpf.o"));
        spec.maps().get("events").autocreate(false);
        FdCount.Snapshot before = FdCount.snapshot();
        assertThatThrownBy(() -> BpfCollection.load(spec)).isInstanceOf(BpfException.class)
                .hasMessageContaining("program 'send_event' uses map 'events', whose autocreate is off");
        assertThat(before.openedSince()).isEmpty();
        spec.programs().get("send_event").autoload(false);
        try (BpfCollection coll = BpfCollection.load(spec)) {
            assertThat(coll.maps()).isEmpty();
        }
    }

    @Test
    void weakKconfigExternsTheKernelDoesNotKnowReadAsZero() {
        try (BpfCollection coll = BpfCollection.load(CollectionSpec.load(Fixtures.bytes("weak_kconfig.bpf.o")))) {
            run(coll.program("read_config"));
            assertThat(coll.variable("unknown_virtual").getLong()).as("LINUX_UNKNOWN_VIRTUAL_EXTERN").isZero();
            assertThat(coll.variable("unknown_option").getLong()).as("CONFIG_EBPF4J_NO_SUCH_OPTION").isZero();
            assertThat(coll.variable("bpf_syscall").getLong()).as("CONFIG_BPF_SYSCALL").isEqualTo(1);
        }
    }

    @Test
    void mapsPinnedByNameWithoutAPinPathArePinnedUnderSysFsBpf() throws IOException {
        Path pin = Path.of("/sys/fs/bpf/ebpf4j_pin_default");
        Files.deleteIfExists(pin);
        try {
            CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("pin_default.bpf.o"));
            try (BpfCollection coll = BpfCollection.load(spec)) {
                run(coll.program("count"));
                assertThat(pin).exists();
            }
            try (BpfCollection again = BpfCollection.load(spec)) {
                run(again.program("count"));
                assertThat(u64(again.map("ebpf4j_pin_default").lookup(new byte[4]).orElseThrow()))
                        .as("the pinned map was reused").isEqualTo(2);
            }
        } finally {
            Files.deleteIfExists(pin);
        }
    }

    @Test
    void pidMinusOneMeansEveryProcessAsInLibbpf() {
        assertThat(UprobeOptions.defaults().withPid(-1).pid()).isZero();
        assertThat(UsdtOptions.defaults().withPid(-1).pid()).isZero();
    }

    @Test
    void mapTypesThatRefuseBtfAreCreatedWithoutIt() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("btf_refusing_maps.bpf.o"));
        assertThat(spec.maps().get("perf_buf_map").keyType()).as("the object declares BTF types").isNotNull();
        try (BpfCollection coll = BpfCollection.load(spec);
                PerfReader reader = PerfReader.open(coll.map("perf_buf_map"))) {
            assertThat(coll.map("stacks").type()).isEqualTo(MapType.STACK_TRACE);
            assertThat(coll.map("sock_map").type()).isEqualTo(MapType.SOCKMAP);
            assertThat(coll.map("sock_hash").type()).isEqualTo(MapType.SOCKHASH);
            assertThat(coll.map("cgroups").type()).isEqualTo(MapType.CGROUP_ARRAY);

            assertThat(coll.program("send_length").testRun(TestRun.of(new byte[64])).returnValue())
                    .isEqualTo(2); // XDP_PASS
            reader.setDeadline(Instant.now().plusSeconds(5));
            assertThat(reader.read()).hasValueSatisfying(r -> assertThat(u64(r.toByteArray())).isEqualTo(64));
            byte[] queued = new byte[8];
            assertThat(coll.map("queue").pop(queued)).isTrue();
            assertThat(u64(queued)).isEqualTo(64);
        }
        for (String name : new String[] {"perf_buf_map", "stacks", "sock_map", "cgroups"}) {
            try (BpfMap alone = BpfMap.create(spec.maps().get(name))) { // outside a collection too
                assertThat(alone.type()).isEqualTo(spec.maps().get(name).type());
            }
        }
    }

    @Test
    void hiddenGlobalFunctionsAreVerifiedWithTheirCaller() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("hidden_func.bpf.o"));
        for (String name : new String[] {"set_zero", "add_one"}) {
            assertThat(spec.btf().orElseThrow().typeByName(name, Func.class).orElseThrow().linkage())
                    .as("BTF linkage of %s, as libbpf marks hidden functions", name).isEqualTo(Linkage.STATIC);
        }
        try (BpfCollection coll = BpfCollection.load(spec)) {
            run(coll.program("call_hidden"));
            assertThat(coll.variable("result").getLong()).isEqualTo(1);
        }
    }

    @Test
    void programsInUnknownSectionsAreReadUnspecifiedAndLoadOnceTyped() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("unknown_sections.bpf.o"));
        assertThat(spec.programs().values()).extracting(ProgramSpec::sectionName, ProgramSpec::type).containsExactly(
                tuple("xdp/lo", ProgramType.UNSPEC), tuple("perf_event/type=0,config=3,frequency=1", ProgramType.UNSPEC),
                tuple("sk_skb1", ProgramType.UNSPEC));
        FdCount.Snapshot before = FdCount.snapshot();
        assertThatThrownBy(() -> BpfCollection.load(spec)).isInstanceOf(BpfException.class)
                .hasMessageContaining("program 'xdp_on_lo' (section xdp/lo) has no program type")
                .hasMessageContaining(".type(ProgramType.XDP)").hasMessageContaining("SectionResolver");
        assertThat(before.openedSince()).as("nothing was created").isEmpty();

        spec.programs().get("xdp_on_lo").type(ProgramType.XDP).attachType(AttachType.XDP);
        spec.programs().get("sample").type(ProgramType.PERF_EVENT);
        spec.programs().get("skb_verdict").type(ProgramType.SK_SKB);
        try (BpfCollection coll = BpfCollection.load(spec)) {
            assertThat(coll.program("xdp_on_lo").testRun(TestRun.of(new byte[64])).returnValue()).isEqualTo(2);
            assertThat(coll.programs()).containsOnlyKeys("xdp_on_lo", "sample", "skb_verdict");
        }
    }

    @Test
    void aSectionResolverTeachesNewSectionNamesAndIsAskedFirst() {
        SectionResolver resolver = (section, program) -> {
            if (section.startsWith("xdp/")) { // an interface name, as an application might write it
                program.type(ProgramType.XDP).attachType(AttachType.XDP).attachTo(section.substring(4));
                return true;
            }
            if (section.startsWith("perf_event/")) {
                program.type(ProgramType.PERF_EVENT).attachTo(section.substring(11));
                return true;
            }
            return false;
        };
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("unknown_sections.bpf.o"), resolver);
        assertThat(spec.programs().get("xdp_on_lo").attachTo()).isEqualTo("lo");
        assertThat(spec.programs().get("sample").type()).isEqualTo(ProgramType.PERF_EVENT);
        assertThat(spec.programs().get("skb_verdict").type()).as("left to libbpf's table").isEqualTo(ProgramType.UNSPEC);
        spec.programs().get("skb_verdict").autoload(false);
        try (BpfCollection coll = BpfCollection.load(spec)) {
            assertThat(coll.program("xdp_on_lo").testRun(TestRun.of(new byte[64])).returnValue()).isEqualTo(2);
        }

        CollectionSpec overridden = CollectionSpec.load(Fixtures.bytes("sections.bpf.o"), (section, program) -> {
            program.type(ProgramType.SOCKET_FILTER);
            return section.equals("xdp");
        });
        assertThat(overridden.programs().values()).filteredOn(p -> p.sectionName().equals("xdp"))
                .extracting(ProgramSpec::type).containsOnly(ProgramType.SOCKET_FILTER);
    }

    @Test
    void anObjectWhoseBtfTheKernelRejectsLoadsWithoutItUnlessAProgramNeedsIt() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("btf_rejected.bpf.o"));
        try (BpfCollection coll = BpfCollection.load(spec)) {
            run(coll.program("count"));
            run(coll.program("count"));
            assertThat(coll.variable("hits").getLong()).isEqualTo(2);
        }

        spec.programs().get("with_callback").autoload(true);
        FdCount.Snapshot before = FdCount.snapshot();
        assertThatThrownBy(() -> BpfCollection.load(spec)).isInstanceOf(BpfException.class)
                .hasMessageContaining("the kernel rejected the object's BTF, which program 'with_callback' (it passes"
                        + " callback 'add_one'")
                .hasMessageContaining("Invalid name");
        assertThat(before.openedSince()).isEmpty();
    }

    @Test
    void staticallyLinkedObjectsKeepTheStaticFunctionsAndVariablesOfEachInput() {
        CollectionSpec spec = CollectionSpec.load(Fixtures.bytes("linked.bpf.o"));
        assertThat(spec.programs()).containsOnlyKeys("run_a", "run_b", "tick_a", "tick_b");
        try (BpfCollection coll = BpfCollection.load(spec)) {
            for (int i = 0; i < 2; i++) {
                run(coll.program("run_a"));
                run(coll.program("run_b"));
            }
            assertThat(coll.variable("result_a").getLong()).as("a.c's runs and subprog: 0+1, then 1+10+1")
                    .isEqualTo(12);
            assertThat(coll.variable("result_b").getLong()).as("b.c's runs and subprog: 0+100, then 100+1000+100")
                    .isEqualTo(1200);
        }
    }
}
