package io.ebpf4j.btf;

import java.nio.ByteOrder;
import java.util.Objects;

/**
 * How {@link Builder#marshal(MarshalOptions)} writes BTF.
 *
 * @param order the byte order of the blob
 * @param features what the consumer accepts; missing kinds are replaced by older equivalents
 */
public record MarshalOptions(ByteOrder order, BtfFeatures features) {
    /** Native byte order, every kind kept as is. */
    public static final MarshalOptions DEFAULT = new MarshalOptions(ByteOrder.nativeOrder(), BtfFeatures.ALL);

    public MarshalOptions {
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(features, "features");
    }

    /** Native byte order, sanitised for what the running kernel accepts ({@link BtfFeatures#kernel()}). */
    public static MarshalOptions forKernel() {
        return new MarshalOptions(ByteOrder.nativeOrder(), BtfFeatures.kernel());
    }
}
