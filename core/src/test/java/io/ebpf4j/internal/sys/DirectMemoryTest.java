package io.ebpf4j.internal.sys;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Loads and stores at addresses agree with a native-order buffer over the same memory, at unaligned addresses too. */
class DirectMemoryTest {

    @Test
    void loadsSeeWhatTheBufferWrote() {
        NativeBuffer memory = new NativeBuffer(32);
        ByteBuffer buffer = memory.buffer();
        buffer.put(1, (byte) -2).putShort(3, (short) -12_345).putInt(7, 0x89ab_cdef);
        buffer.putLong(13, 0x0123_4567_89ab_cdefL);
        assertThat(DirectMemory.getByte(memory.address() + 1)).isEqualTo((byte) -2);
        assertThat(DirectMemory.getShort(memory.address() + 3)).isEqualTo((short) -12_345);
        assertThat(DirectMemory.getInt(memory.address() + 7)).isEqualTo(0x89ab_cdef);
        assertThat(DirectMemory.getLong(memory.address() + 13)).isEqualTo(0x0123_4567_89ab_cdefL);
    }

    @Test
    void storesAreSeenByTheBuffer() {
        NativeBuffer memory = new NativeBuffer(32);
        DirectMemory.putLong(memory.address() + 5, -0x0123_4567_89ab_cdefL);
        assertThat(memory.buffer().getLong(5)).isEqualTo(-0x0123_4567_89ab_cdefL);
        assertThat(memory.buffer().getLong(16)).isZero();
    }
}
