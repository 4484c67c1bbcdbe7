package io.ebpf4j.btf;

import java.util.Objects;

/**
 * An enumerator of an {@link Enum} or {@link Enum64}.
 *
 * @param value the value; for unsigned enums read it with {@link Long#toUnsignedString(long)} when it may exceed
 *     {@link Long#MAX_VALUE}
 */
public record EnumValue(String name, long value) {
    public EnumValue {
        Objects.requireNonNull(name, "name");
    }
}
