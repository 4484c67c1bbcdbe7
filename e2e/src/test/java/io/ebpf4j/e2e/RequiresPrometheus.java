package io.ebpf4j.e2e;

import io.ebpf4j.testing.KernelExtension;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Skips a test when the prometheus binary is missing. The reason carries the kernel tests' prefix, so that a root CI
 * run, which installs the package, fails instead of passing without having run the test.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresPrometheus.Condition.class)
@interface RequiresPrometheus {
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return PrometheusServer.binary()
                    .map(binary -> ConditionEvaluationResult.enabled("prometheus at " + binary))
                    .orElseGet(() -> ConditionEvaluationResult.disabled(KernelExtension.SKIP_PREFIX
                            + " the prometheus binary is not on PATH (nor $PROMETHEUS_BINARY): install Debian's "
                            + "package prometheus (.ci/run does)"));
        }
    }
}
