package io.ebpf4j.btf;

import java.util.Objects;

/**
 * An integer ({@code BTF_KIND_INT}): {@code int}, {@code unsigned char}, {@code _Bool}, {@code __int128}...
 * {@link #bitOffset()} and {@link #bits()} describe the value's bits inside its {@link #size()} bytes; compilers emit
 * offset 0 and bits = 8 × size, other values come from old bitfield encodings.
 */
public final class Int implements Type {
    /** How the bits are interpreted. BTF allows at most one of these per integer. */
    public enum Encoding {
        UNSIGNED(0), SIGNED(1), CHAR(2), BOOL(4);

        private final int wireValue;

        Encoding(int wireValue) {
            this.wireValue = wireValue;
        }

        /** The {@code BTF_INT_*} bit. */
        public int wireValue() {
            return wireValue;
        }

        static Encoding ofWireValue(int value) {
            for (Encoding e : values()) {
                if (e.wireValue == value) {
                    return e;
                }
            }
            return null;
        }
    }

    private String name;
    private int size;
    private Encoding encoding;
    private int bitOffset;
    private int bits;

    /** An integer occupying all bits of {@code size} bytes. */
    public Int(String name, int size, Encoding encoding) {
        this(name, size, encoding, 0, size * 8);
    }

    public Int(String name, int size, Encoding encoding, int bitOffset, int bits) {
        this.name = Objects.requireNonNull(name, "name");
        this.size = size;
        this.encoding = Objects.requireNonNull(encoding, "encoding");
        this.bitOffset = bitOffset;
        this.bits = bits;
    }

    @Override
    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public Kind kind() {
        return Kind.INT;
    }

    /** Size in bytes. */
    public int size() {
        return size;
    }

    public void setSize(int size) {
        this.size = size;
    }

    public Encoding encoding() {
        return encoding;
    }

    public void setEncoding(Encoding encoding) {
        this.encoding = Objects.requireNonNull(encoding, "encoding");
    }

    public boolean isSigned() {
        return encoding == Encoding.SIGNED;
    }

    /** Offset of the value's lowest bit within the integer's storage. */
    public int bitOffset() {
        return bitOffset;
    }

    public void setBitOffset(int bitOffset) {
        this.bitOffset = bitOffset;
    }

    /** Number of value bits. */
    public int bits() {
        return bits;
    }

    public void setBits(int bits) {
        this.bits = bits;
    }

    @Override
    public String toString() {
        return Types.describe(this);
    }
}
