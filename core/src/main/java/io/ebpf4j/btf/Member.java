package io.ebpf4j.btf;

import java.util.Objects;

/**
 * A member of a {@link Struct} or {@link Union}.
 *
 * @param name the member name, empty for anonymous nested structs and unions
 * @param type the member type
 * @param bitOffset offset of the member's first bit from the start of the enclosing type
 * @param bitfieldSize width in bits of a bitfield member, 0 for ordinary members
 */
public record Member(String name, Type type, int bitOffset, int bitfieldSize) {
    public Member {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    /** An ordinary (non-bitfield) member. */
    public Member(String name, Type type, int bitOffset) {
        this(name, type, bitOffset, 0);
    }

    public Member withType(Type newType) {
        return new Member(name, newType, bitOffset, bitfieldSize);
    }

    public boolean isBitfield() {
        return bitfieldSize != 0;
    }

    /** The byte offset, for members that start on a byte boundary. */
    public int byteOffset() {
        return bitOffset / 8;
    }
}
