package io.ebpf4j.spring.metrics;

import java.util.Arrays;

/**
 * Map key bytes as a hash key. One instance per family is reused as the lookup probe: its bytes are overwritten
 * and {@link #rehash()} called, so lookups allocate nothing; stored keys own a copy.
 */
final class ByteKey {
    private final byte[] bytes;
    private int hash;

    ByteKey(byte[] bytes) {
        this.bytes = bytes;
        rehash();
    }

    private ByteKey(byte[] bytes, int hash) {
        this.bytes = bytes;
        this.hash = hash;
    }

    void rehash() {
        hash = Arrays.hashCode(bytes);
    }

    /** An independent copy, to store. */
    ByteKey copy() {
        return new ByteKey(bytes.clone(), hash);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ByteKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }
}
