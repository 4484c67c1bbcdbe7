package io.ebpf4j.internal.sys;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class of byte offsets into a kernel structure, so that {@code KernelLayoutsTest} checks every one of its
 * {@code int} constants against the running kernel's BTF.
 *
 * <p>Each constant is named after a field of the described part in upper case ({@code PROG_TYPE} for
 * {@code prog_type}), found through anonymous members as C finds it or, failing that, in the nearest named member;
 * its value is the field's offset from the start of {@link #type}. {@code BYTES} (or {@code BYTES_<suffix>}) is how
 * many bytes of the part ebpf4j writes or asks for, measured from the part's start. A {@code long} constant
 * {@code <FIELD>_BIT} is the mask of a one-bit field in its 64-bit word. Nested classes describe nested parts and carry
 * their own annotation.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Layout {
    /** The C type as BTF names it, with its kind: {@code "union bpf_attr"}, {@code "struct bpf_prog_info"}. */
    String type();

    /** The named members leading from {@link #type} to the described part, separated by dots; empty for all of it. */
    String member() default "";

    /** For an anonymous struct inside that part (as most {@code bpf_attr} commands have): its first field's name. */
    String firstField() default "";
}
