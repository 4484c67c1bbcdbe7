package io.ebpf4j.testing;

import io.ebpf4j.MapType;
import io.ebpf4j.ProgramType;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test that talks to the real kernel. Without root it is skipped with a stated reason; as root the
 * extension mounts bpffs and tracefs when they are missing, then probes the features the test declares and skips
 * (with the probe's answer as reason) only if the kernel really lacks them. A skip for a probed missing feature starts
 * with {@value KernelExtension#MISSING_PREFIX} followed by the feature; every other skip reason starts with
 * {@value KernelExtension#SKIP_PREFIX}. {@code .ci/run} lists the former per feature and fails a root run that
 * skipped a kernel test for any other reason.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag("kernel")
@ExtendWith(KernelExtension.class)
public @interface RequiresKernel {
    /** Map types the test creates. */
    MapType[] mapTypes() default {};

    /** Program types the test loads. */
    ProgramType[] programTypes() default {};

    /** Other features the test needs: hooks, iterators, TCX, bpf_link. */
    KernelFeature[] features() default {};
}
