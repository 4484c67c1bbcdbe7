package io.ebpf4j.spring.actuate;

import io.ebpf4j.spring.autoconfigure.EbpfAutoConfiguration;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /actuator/health/ebpf} over collections loaded by the starter: a program aimed at a tracepoint no kernel
 * has, which loads everywhere and attaches nowhere, declared required under failure-mode 'warn', takes its
 * collection (and the application's health) DOWN while a working collection stays UP.
 */
@RequiresKernel
class EbpfHealthKernelTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EbpfAutoConfiguration.class, EndpointAutoConfiguration.class,
                    HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
                    HealthEndpointAutoConfiguration.class, EbpfHealthAutoConfiguration.class))
            .withPropertyValues(
                    "management.endpoint.health.show-details=always",
                    "ebpf.collections.sys.object=classpath:bpf/metrics.bpf.o",
                    "ebpf.collections.sys.programs.observe.attach=none",
                    "ebpf.collections.probe.object=classpath:bpf/unattachable.bpf.o",
                    "ebpf.collections.probe.failure-mode=warn");

    private static IndicatedHealthDescriptor component(HealthEndpoint health, String collection) {
        return (IndicatedHealthDescriptor) health.healthForPath("ebpf", collection);
    }

    @Test
    void aRequiredProgramThatCannotAttachTakesItsCollectionDown() {
        runner.withPropertyValues("ebpf.collections.probe.programs.probe_openat.required=true").run(context -> {
            assertThat(context).hasNotFailed();
            HealthEndpoint health = context.getBean(HealthEndpoint.class);
            IndicatedHealthDescriptor probe = component(health, "probe");
            assertThat(probe.getStatus()).isEqualTo(Status.DOWN);
            assertThat(probe.getDetails()).containsEntry("status", "FAILED").containsEntry("programs", "0/1");
            assertThat(probe.getDetails().get("failures")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsOnlyKeys("probe_openat");
            assertThat(probe.getDetails().get("failure").toString()).contains("probe_openat");

            IndicatedHealthDescriptor sys = component(health, "sys");
            assertThat(sys.getStatus()).isEqualTo(Status.UP);
            assertThat(sys.getDetails()).containsEntry("programs", "1/1").containsKeys("kernel", "btf");

            HealthDescriptor ebpf = health.healthForPath("ebpf");
            assertThat(ebpf.getStatus()).isEqualTo(Status.DOWN);
            assertThat(((CompositeHealthDescriptor) ebpf).getComponents()).containsOnlyKeys("sys", "probe");
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        });
    }

    @Test
    void anOptionalProgramThatCannotAttachIsReportedWhileUp() {
        runner.run(context -> {
            IndicatedHealthDescriptor probe = component(context.getBean(HealthEndpoint.class), "probe");
            assertThat(probe.getStatus()).isEqualTo(Status.UP);
            assertThat(probe.getDetails()).containsEntry("status", "ATTACHED").containsEntry("programs", "0/1");
            assertThat(probe.getDetails().get("failures")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsOnlyKeys("probe_openat");
        });
    }

    @Test
    void switchedOffByManagementHealthEbpfEnabled() {
        runner.withPropertyValues("management.health.ebpf.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(EbpfHealthContributor.class);
            assertThat(context.getBean(HealthEndpoint.class).healthForPath("ebpf")).isNull();
        });
    }
}
