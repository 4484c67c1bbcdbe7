package io.ebpf4j.asm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Spot checks against {@code enum bpf_func_id} of the UAPI header. */
class HelperTest {

    @Test
    void idsAndNamesFollowTheKernelList() {
        assertThat(Helper.MAP_LOOKUP_ELEM.id()).isEqualTo(1);
        assertThat(Helper.MAP_LOOKUP_ELEM.functionName()).isEqualTo("bpf_map_lookup_elem");
        assertThat(Helper.of(6)).isEqualTo(Helper.TRACE_PRINTK);
        assertThat(Helper.of(14)).isEqualTo(Helper.GET_CURRENT_PID_TGID);
        assertThat(Helper.of(130)).isEqualTo(Helper.RINGBUF_OUTPUT);
        assertThat(Helper.of(181)).isEqualTo(Helper.LOOP);
        assertThat(Helper.of(211).functionName()).isEqualTo("bpf_cgrp_storage_delete");
    }

    @Test
    void listIsCompleteAndDense() {
        assertThat(Helper.values()).hasSize(212);
        for (Helper helper : Helper.values()) {
            assertThat(helper.id()).isEqualTo(helper.ordinal());
        }
    }

    @Test
    void unknownIdsGiveNull() {
        assertThat(Helper.of(212)).isNull();
        assertThat(Helper.of(-1)).isNull();
    }
}
