package io.ebpf4j.spring.metrics;

import io.ebpf4j.btf.Composite;
import io.ebpf4j.btf.Enumeration;
import io.ebpf4j.btf.Int;
import io.ebpf4j.btf.Type;
import io.ebpf4j.btf.Types;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a map key (or event record) is cut into labels, and for histograms where the bucket index is.
 *
 * <p>Labels are given either by {@code size} and {@code padding}, one after the other as in ebpf_exporter (their
 * sizes and paddings must add up to the key size), or by {@code field}, a member of the map's BTF key type whose
 * offset and size come from BTF (a {@code size} given as well must agree). Bytes no label covers (padding) are
 * ignored, so keys that differ only in padding count as one.
 */
final class KeyLayout {
    /** One label: a slice of the key and its decoders. */
    record Slice(String name, int offset, int size, DecoderChain decoders) {}

    private final int keySize;
    private final Slice[] labels;
    private final int bucketOffset;
    private final int bucketSize;
    /** 0xff where a byte matters, 0 where it is padding; {@code null} when every byte matters. */
    private final byte[] mask;

    private KeyLayout(int keySize, Slice[] labels, int bucketOffset, int bucketSize, byte[] mask) {
        this.keySize = keySize;
        this.labels = labels;
        this.bucketOffset = bucketOffset;
        this.bucketSize = bucketSize;
        this.mask = mask;
    }

    /**
     * Compiles the labels of a metric.
     *
     * @param keySize the key (or record) size in bytes
     * @param keyType the BTF type of the key, or {@code null}
     * @param histogram whether the key holds a bucket index: the member {@code bucketField}, or else the last label
     * @throws IllegalArgumentException describing the first problem
     */
    static KeyLayout compile(List<EbpfMetricsProperties.Label> labels, int keySize, Type keyType, boolean histogram,
            String bucketField, LabelDecoders decoders) {
        boolean byField = labels.stream().anyMatch(l -> l.getField() != null);
        if (byField && labels.stream().anyMatch(l -> l.getField() == null)) {
            throw new IllegalArgumentException("labels must all use 'field' or all use 'size', not both");
        }
        if (bucketField != null && !labels.isEmpty() && !byField) {
            throw new IllegalArgumentException("'bucket-field' needs labels given by 'field' too");
        }
        List<Slice> slices = new ArrayList<>();
        int bucketOffset = -1;
        int bucketSize = 0;
        if (byField || bucketField != null) {
            if (keyType == null) {
                throw new IllegalArgumentException("labels by 'field' need the map's BTF key type, but the map has none"
                        + " (declare it with __type(key, ...) or use 'size')");
            }
            for (EbpfMetricsProperties.Label label : labels) {
                Member member = member(keyType, label.getField(), "key");
                if (label.getSize() != null && label.getSize() != member.size) {
                    throw new IllegalArgumentException("label '" + label.getName() + "': size " + label.getSize()
                            + " disagrees with field '" + label.getField() + "' (" + member.size + " bytes in BTF)");
                }
                slices.add(slice(label, member.offset, member.size, member.integer, decoders));
            }
            if (bucketField != null) {
                Member bucket = member(keyType, bucketField, "key");
                if (!bucket.integer) {
                    throw new IllegalArgumentException("bucket-field '" + bucketField + "' is not an integer");
                }
                bucketOffset = bucket.offset;
                bucketSize = bucket.size;
            }
        } else {
            int offset = 0;
            for (int i = 0; i < labels.size(); i++) {
                EbpfMetricsProperties.Label label = labels.get(i);
                if (label.getSize() == null || label.getSize() <= 0) {
                    throw new IllegalArgumentException("label '" + label.getName() + "' needs a positive 'size' (or a"
                            + " BTF 'field')");
                }
                int size = label.getSize();
                if (histogram && i == labels.size() - 1) {
                    if (!NativeInts.isIntegerSize(size)) {
                        throw new IllegalArgumentException("the last label ('" + label.getName() + "') holds the bucket"
                                + " index and must be 1, 2, 4 or 8 bytes, not " + size);
                    }
                    bucketOffset = offset;
                    bucketSize = size;
                } else {
                    slices.add(slice(label, offset, size, NativeInts.isIntegerSize(size), decoders));
                }
                offset += size + label.getPadding();
            }
            if (!labels.isEmpty() && offset != keySize) {
                throw new IllegalArgumentException("label sizes and paddings add up to " + offset
                        + " bytes, but the key has " + keySize);
            }
            if (histogram && labels.isEmpty()) {
                throw new IllegalArgumentException(
                        "a histogram needs the bucket index: a last label or 'bucket-field'");
            }
        }
        byte[] mask = new byte[keySize];
        for (Slice s : slices) {
            if (s.offset + s.size > keySize) {
                throw new IllegalArgumentException("label '" + s.name + "' reaches past the " + keySize + "-byte key");
            }
            Arrays.fill(mask, s.offset, s.offset + s.size, (byte) 0xff);
        }
        if (bucketOffset >= 0) {
            Arrays.fill(mask, bucketOffset, bucketOffset + bucketSize, (byte) 0xff);
        }
        boolean everyByte = true;
        for (byte b : mask) {
            everyByte &= b != 0;
        }
        return new KeyLayout(keySize, slices.toArray(Slice[]::new), bucketOffset, bucketSize, everyByte ? null : mask);
    }

    private static Slice slice(EbpfMetricsProperties.Label label, int offset, int size, boolean integer,
            LabelDecoders decoders) {
        if (label.getName() == null || label.getName().isBlank()) {
            throw new IllegalArgumentException("a label without a name");
        }
        try {
            return new Slice(label.getName(), offset, size, decoders.chain(label.getDecoders(), integer));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("label '" + label.getName() + "': " + e.getMessage(), e);
        }
    }

    /** A member of a BTF struct: byte offset, size, and whether it is an integer of 1, 2, 4 or 8 bytes. */
    record Member(int offset, int size, boolean integer, boolean signed) {}

    static Member member(Type composite, String field, String what) {
        Types.MemberRef ref = Types.findMember(composite, field).orElseThrow(() -> new IllegalArgumentException(
                "the " + what + " type " + Types.describe(composite) + " has no member '" + field + "'"
                        + memberNames(composite)));
        if (ref.member().isBitfield() || ref.bitOffset() % 8 != 0) {
            throw new IllegalArgumentException("member '" + field + "' of " + Types.describe(composite)
                    + " is a bitfield; only whole bytes can be read");
        }
        Type type = Types.underlying(ref.type());
        int size = (int) Types.sizeof(type);
        boolean integer = (type instanceof Int || type instanceof Enumeration) && NativeInts.isIntegerSize(size);
        boolean signed = type instanceof Int i ? i.isSigned() : type instanceof Enumeration e && e.isSigned();
        return new Member((int) (ref.bitOffset() / 8), size, integer, signed);
    }

    private static String memberNames(Type type) {
        if (Types.underlying(type) instanceof Composite c) {
            return "; members: " + c.members().stream().map(io.ebpf4j.btf.Member::name).toList();
        }
        return " (it is not a struct)";
    }

    /** 0xff where a byte of the key matters, 0 for padding; {@code null} when every byte matters. */
    byte[] mask() {
        return mask;
    }

    /** The label slices, in order. */
    Slice[] labels() {
        return labels;
    }

    int keySize() {
        return keySize;
    }

    /** The bucket index in {@code key} (unsigned, native order). */
    long bucket(byte[] key) {
        return NativeInts.read(key, bucketOffset, bucketSize);
    }

    /** Clears the bytes no label (nor the bucket) covers, so that keys differing only in padding compare equal. */
    void clearPadding(byte[] key) {
        if (mask != null) {
            for (int i = 0; i < key.length; i++) {
                key[i] &= mask[i];
            }
        }
    }

    /**
     * Decodes every label of {@code key}.
     *
     * @param into receives the values, in label order
     * @return {@code false} when a decoder dropped the series
     * @throws DecoderChain.DecodingException when a decoder failed
     */
    boolean decode(byte[] key, String[] into) {
        for (int i = 0; i < labels.length; i++) {
            Slice s = labels[i];
            String value = s.decoders.decode(Arrays.copyOfRange(key, s.offset, s.offset + s.size));
            if (value == null) {
                return false;
            }
            into[i] = value;
        }
        return true;
    }
}
