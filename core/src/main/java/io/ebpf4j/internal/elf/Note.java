package io.ebpf4j.internal.elf;

import java.nio.ByteBuffer;

/**
 * One ELF note ({@code SHT_NOTE} section or {@code PT_NOTE} segment entry), e.g. a GNU build id or a SystemTap
 * USDT probe ({@code .note.stapsdt}, owner {@code "stapsdt"}, type 3).
 *
 * @param owner      the note's name (owner) without its terminating NUL
 * @param type       the owner-specific note type
 * @param descriptor the note's payload: a read-only view in the file's byte order
 */
public record Note(String owner, int type, ByteBuffer descriptor) {
}
