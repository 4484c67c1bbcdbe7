package io.ebpf4j.features;

import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.MapFlags;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramSpec;
import io.ebpf4j.ProgramType;
import io.ebpf4j.asm.Helper;
import io.ebpf4j.asm.Instructions;
import io.ebpf4j.asm.Register;
import io.ebpf4j.btf.Int;
import io.ebpf4j.internal.Os;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Probes agree with what the kernel does: where a probe says yes, creating or loading through the public API works;
 * where it says no, the API fails with {@link NotSupportedException}. No expectation names what one kernel build has
 * (builds of the same release differ: one has ARENA maps, another refuses them).
 */
@RequiresKernel
class FeaturesTest {
    private static final Int INT = new Int("int", 4, Int.Encoding.SIGNED);

    @ParameterizedTest
    @EnumSource(value = MapType.class, mode = EnumSource.Mode.EXCLUDE, names = {"UNSPEC", "STRUCT_OPS"})
    void mapTypeProbeAgreesWithCreatingAMapOfThatType(MapType type) {
        boolean probed = Features.hasMapType(type);
        try (BpfMap map = BpfMap.create(smallest(type))) {
            assertThat(probed).as("the probe said %s is missing, but a map was created", type).isTrue();
            assertThat(map.info().type()).isEqualTo(type);
        } catch (NotSupportedException e) {
            assertThat(probed).as("the probe said %s exists, but creating one failed: %s", type, e).isFalse();
            assertThat(e.feature()).isEqualTo("map type " + type);
            assertThatThrownBy(() -> Features.requireMapType(type)).isInstanceOf(NotSupportedException.class)
                    .hasMessageContaining(type.name());
        }
    }

    /** The smallest valid map of each type, as a user would describe it. */
    private static MapSpec smallest(MapType type) {
        MapSpec spec = new MapSpec("probe_agrees", type).keySize(4).valueSize(4).maxEntries(1);
        switch (type) {
            case STACK_TRACE:
                return spec.valueSize(8);
            case LPM_TRIE:
                return spec.keySize(8).valueSize(8).flags(MapFlags.NO_PREALLOC);
            case CGROUP_STORAGE:
            case PERCPU_CGROUP_STORAGE:
                return spec.keySize(16).valueSize(8).maxEntries(0);
            case QUEUE:
            case STACK:
            case BLOOM_FILTER:
                return spec.keySize(0);
            case RINGBUF:
            case USER_RINGBUF:
                return spec.keySize(0).valueSize(0).maxEntries(Os.pageSize());
            case ARENA:
                return spec.keySize(0).valueSize(0).flags(MapFlags.MMAPABLE);
            case SK_STORAGE:
            case INODE_STORAGE:
            case TASK_STORAGE:
            case CGRP_STORAGE:
                return spec.maxEntries(0).flags(MapFlags.NO_PREALLOC).keyType(INT).valueType(INT);
            case ARRAY_OF_MAPS:
            case HASH_OF_MAPS:
                return spec.innerMap(new MapSpec("inner", MapType.ARRAY).keySize(4).valueSize(4).maxEntries(1));
            default:
                return spec;
        }
    }

    @Test
    void unspecifiedMapTypeIsNeverSupported() {
        assertThat(Features.hasMapType(MapType.UNSPEC)).isFalse();
        assertThatThrownBy(() -> Features.requireMapType(MapType.UNSPEC)).isInstanceOf(NotSupportedException.class)
                .extracting(e -> ((NotSupportedException) e).feature()).isEqualTo("map type UNSPEC");
    }

    /** Types a two-instruction program can stand for: those that need no attach target at load time. */
    @ParameterizedTest
    @EnumSource(value = ProgramType.class, names = {"SOCKET_FILTER", "KPROBE", "SCHED_CLS", "SCHED_ACT",
            "TRACEPOINT", "XDP", "PERF_EVENT", "CGROUP_SKB", "CGROUP_SOCK", "LWT_IN", "LWT_OUT", "LWT_XMIT",
            "SOCK_OPS", "SK_SKB", "CGROUP_DEVICE", "SK_MSG", "RAW_TRACEPOINT", "LWT_SEG6LOCAL", "LIRC_MODE2",
            "SK_REUSEPORT", "FLOW_DISSECTOR", "CGROUP_SYSCTL", "RAW_TRACEPOINT_WRITABLE", "CGROUP_SOCKOPT"})
    void programTypeProbeAgreesWithLoadingAProgramOfThatType(ProgramType type) {
        boolean probed = Features.hasProgramType(type);
        ProgramSpec spec = new ProgramSpec("probe_agrees", type,
                Instructions.builder().mov64(Register.R0, 0).exit().build());
        try (BpfProgram program = BpfProgram.load(spec)) {
            assertThat(probed).as("the probe said %s is missing, but a program loaded", type).isTrue();
            assertThat(program.info().type()).isEqualTo(type);
        } catch (NotSupportedException e) {
            assertThat(probed).as("the probe said %s exists, but loading failed: %s", type, e).isFalse();
        } catch (RuntimeException e) {
            fail("loading a trivial %s program failed with %s instead of loading or NotSupportedException", type, e);
        }
    }

    @Test
    void helperProbesAnswerFromTheVerifier() {
        // Every program type that loads may look up maps; a helper id no kernel has is never available.
        assertThat(Features.hasHelper(ProgramType.SOCKET_FILTER, Helper.MAP_LOOKUP_ELEM.id())).isTrue();
        assertThatThrownBy(() -> Features.requireHelper(ProgramType.SOCKET_FILTER, 100_000))
                .isInstanceOf(NotSupportedException.class).hasMessageContaining("100000");
        // Socket filters never had bpf_probe_write_user, whatever the kernel.
        assertThat(Features.hasHelper(ProgramType.SOCKET_FILTER, Helper.PROBE_WRITE_USER.id())).isFalse();
    }

    @Test
    void batchProbesAgreeWithBatchOperations() {
        // Queues have no keys to walk: no kernel offers batch lookups on them.
        assertThat(Features.hasBatchOperations(MapType.QUEUE)).isFalse();
        try (BpfMap hash = BpfMap.create(new MapSpec("batch", MapType.HASH).keySize(4).valueSize(4).maxEntries(4))) {
            boolean probed = Features.hasBatchOperations(MapType.HASH);
            try {
                hash.batchLookup(hash.batchCursor(4));
                assertThat(probed).as("a batch lookup worked although the probe said no").isTrue();
            } catch (NotSupportedException e) {
                assertThat(probed).as("the probe said yes, but: %s", e).isFalse();
            }
        }
    }
}
