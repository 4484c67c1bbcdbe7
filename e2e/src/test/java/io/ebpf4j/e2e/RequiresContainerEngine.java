package io.ebpf4j.e2e;

import com.github.dockerjava.api.exception.NotFoundException;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;

/**
 * Skips a test, with a reason starting {@value Condition#SKIP_PREFIX}, when there is no container engine or it lacks
 * the local images {@code .ci/containers-setup.sh} builds. {@code .ci/run} sets the engine up and fails when a test
 * was skipped for this reason.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresContainerEngine.Condition.class)
@interface RequiresContainerEngine {
    /** Images the tests run; no registry is needed (or reachable on CI). */
    List<String> IMAGES = List.of("local/debian:bookworm");

    final class Condition implements ExecutionCondition {
        static final String SKIP_PREFIX = "container:";
        private static volatile ConditionEvaluationResult result;

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            ConditionEvaluationResult known = result;
            if (known == null) {
                known = result = evaluate();
            }
            return known;
        }

        private static ConditionEvaluationResult evaluate() {
            if (!"true".equals(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
                // Without it Testcontainers first tries to pull its Ryuk image and hangs for minutes.
                return ConditionEvaluationResult.disabled(SKIP_PREFIX + " TESTCONTAINERS_RYUK_DISABLED=true is not "
                        + "set; run the tests through Maven (failsafe sets it) or export it");
            }
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return ConditionEvaluationResult.disabled(SKIP_PREFIX + " no container engine answers on "
                        + "/var/run/docker.sock; as root, .ci/containers-setup.sh installs and starts one");
            }
            for (String image : IMAGES) {
                try {
                    DockerClientFactory.instance().client().inspectImageCmd(image).exec();
                } catch (NotFoundException e) {
                    return ConditionEvaluationResult.disabled(SKIP_PREFIX + " the local image " + image + " is "
                            + "missing; .ci/containers-setup.sh builds it");
                }
            }
            return ConditionEvaluationResult.enabled("container engine with " + IMAGES);
        }
    }
}
