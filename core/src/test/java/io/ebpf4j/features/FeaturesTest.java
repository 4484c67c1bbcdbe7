package io.ebpf4j.features;

import io.ebpf4j.MapType;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramType;
import io.ebpf4j.asm.Helper;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Probes against this kernel (6.18), whose features KERNEL.md lists as verified by other means. */
@RequiresKernel
class FeaturesTest {

    @Test
    void mapTypesThisKernelHas() {
        for (MapType type : new MapType[] {MapType.HASH, MapType.ARRAY, MapType.PERCPU_HASH, MapType.LRU_HASH,
                MapType.LPM_TRIE, MapType.RINGBUF, MapType.USER_RINGBUF, MapType.BLOOM_FILTER, MapType.QUEUE,
                MapType.ARRAY_OF_MAPS, MapType.TASK_STORAGE, MapType.SK_STORAGE, MapType.CGRP_STORAGE,
                MapType.ARENA, MapType.STACK_TRACE, MapType.DEVMAP, MapType.SOCKMAP}) {
            assertThat(Features.hasMapType(type)).as("%s", type).isTrue();
        }
        assertThat(Features.hasMapType(MapType.UNSPEC)).isFalse();
        assertThatThrownBy(() -> Features.requireMapType(MapType.UNSPEC)).isInstanceOf(NotSupportedException.class)
                .extracting(e -> ((NotSupportedException) e).feature()).isEqualTo("map type UNSPEC");
    }

    @Test
    void programTypes() {
        for (ProgramType type : new ProgramType[] {ProgramType.SOCKET_FILTER, ProgramType.XDP,
                ProgramType.TRACEPOINT, ProgramType.RAW_TRACEPOINT, ProgramType.CGROUP_SKB, ProgramType.SCHED_CLS,
                ProgramType.SYSCALL, ProgramType.NETFILTER, ProgramType.SK_LOOKUP, ProgramType.CGROUP_SOCK_ADDR}) {
            assertThat(Features.hasProgramType(type)).as("%s", type).isTrue();
        }
        // Trampolines and BPF LSM are refused with EPERM on this kernel although root (KERNEL.md).
        assertThat(Features.hasProgramType(ProgramType.LSM)).isFalse();
    }

    @Test
    void helpers() {
        assertThat(Features.hasHelper(ProgramType.SOCKET_FILTER, Helper.MAP_LOOKUP_ELEM.id())).isTrue();
        assertThat(Features.hasHelper(ProgramType.XDP, Helper.RINGBUF_OUTPUT.id())).isTrue();
        // Lockdown (integrity) forbids bpf_probe_write_user; socket filters never had it.
        assertThat(Features.hasHelper(ProgramType.SOCKET_FILTER, Helper.PROBE_WRITE_USER.id())).isFalse();
        assertThatThrownBy(() -> Features.requireHelper(ProgramType.SOCKET_FILTER, 100_000))
                .isInstanceOf(NotSupportedException.class).hasMessageContaining("100000");
    }

    @Test
    void commandsAndBatches() {
        assertThat(Features.hasBpfLink()).isTrue();
        assertThat(Features.hasObjectNames()).isTrue();
        assertThat(Features.hasBatchOperations(MapType.HASH)).isTrue();
        assertThat(Features.hasBatchOperations(MapType.ARRAY)).isTrue();
        assertThat(Features.hasBatchOperations(MapType.QUEUE)).isFalse();
    }
}
