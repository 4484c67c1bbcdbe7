package io.ebpf4j.spring;

import io.ebpf4j.BpfMap;
import io.ebpf4j.TypedMap;

import org.springframework.beans.factory.annotation.Qualifier;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Selects a map of a collection declared under {@code ebpf.collections} for injection, as a {@link BpfMap}
 * or as a {@link TypedMap} whose codecs follow its generic types ({@code Long}/{@code Integer} for
 * integers of the map's key or value size, {@code String} for {@code char[]}, {@code byte[]}, records for structs
 * described by the object's BTF).
 *
 * <pre>{@code
 * record Traffic(long packets, long bytes) {}
 *
 * CountsService(@BpfMapRef(collection = "syscalls", map = "counts") BpfMap counts,
 *               @BpfMapRef(collection = "net", map = "traffic") TypedMap<Integer, Traffic> traffic) { ... }
 * }</pre>
 *
 * A {@code BpfMap} is also injectable with {@code @Qualifier("syscalls.counts")}. On fields, add
 * {@code @Autowired}. When the collection may fail ({@code failure-mode: warn}), inject {@code Optional<...>}.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface BpfMapRef {
    /** The collection's name under {@code ebpf.collections}. */
    String collection();

    /** The map's name in the object. */
    String map();
}
