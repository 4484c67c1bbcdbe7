package io.ebpf4j.internal.elf;

import io.ebpf4j.ElfFormatException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * An {@code SHT_STRTAB} section: NUL-terminated strings addressed by their offset in the section.
 *
 * <p>The positions of all NUL bytes are collected once and binary-searched, so that a hostile table (one huge
 * string that many symbols point into) costs one scan instead of one scan per lookup.
 */
final class StringTable {
    private final byte[] data;
    private final int start;
    private final int size;
    private final String description;
    private int[] terminators;

    /** {@code section} must already be checked to lie inside {@code data}. */
    StringTable(byte[] data, Section section) {
        this.data = data;
        this.start = (int) section.offset();
        this.size = (int) section.size();
        this.description = "string table " + section.describe();
    }

    /**
     * The string at {@code offset}.
     *
     * @param what  describes the field holding the offset, for the message (only called on failure)
     * @param where byte offset of that field in the file
     */
    String get(long offset, Supplier<String> what, long where) {
        if (offset == 0 && size == 0) {
            return ""; // an empty table holds just the implicit empty string
        }
        if (offset < 0 || offset >= size) {
            throw new ElfFormatException(what.get() + " " + Long.toUnsignedString(offset) + " is outside " + description
                    + " (" + size + " bytes)", where);
        }
        int begin = (int) offset;
        int end = terminatorAtOrAfter(begin);
        if (end < 0) {
            throw new ElfFormatException(what.get() + " " + offset
                    + " points at a string that is not NUL-terminated within " + description, where);
        }
        return new String(data, start + begin, end - begin, StandardCharsets.UTF_8);
    }

    private int terminatorAtOrAfter(int position) {
        if (terminators == null) {
            terminators = findTerminators();
        }
        int found = Arrays.binarySearch(terminators, position);
        int insertion = found >= 0 ? found : -found - 1;
        return insertion < terminators.length ? terminators[insertion] : -1;
    }

    private int[] findTerminators() {
        int count = 0;
        for (int i = 0; i < size; i++) {
            if (data[start + i] == 0) {
                count++;
            }
        }
        int[] positions = new int[count];
        int next = 0;
        for (int i = 0; i < size; i++) {
            if (data[start + i] == 0) {
                positions[next++] = i;
            }
        }
        return positions;
    }
}
