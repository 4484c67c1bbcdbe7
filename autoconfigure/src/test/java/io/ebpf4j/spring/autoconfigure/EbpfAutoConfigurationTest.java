package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.BpfCollection;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.TypedMap;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.EbpfConfigurationException;
import io.ebpf4j.spring.EbpfObjectNotFoundException;
import io.ebpf4j.spring.ManagedCollection;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Conditions, back-off, binding and validation of the auto-configuration; nothing here needs the kernel. */
class EbpfAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EbpfAutoConfiguration.class));

    @Test
    void withoutCollectionsTheRegistryIsEmpty() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(EbpfCollections.class).hasSingleBean(EbpfProperties.class);
            assertThat(context.getBean(EbpfCollections.class).all()).isEmpty();
            assertThat(context.getBeanNamesForType(BpfMap.class)).isEmpty();
        });
    }

    /**
     * A collection name with dots would be split by Spring's map binding and the collection silently dropped:
     * start-up stops naming the bracket form, and the bracket form keeps the name whole.
     */
    @Test
    void collectionNamesWithDotsNeedBracketsAndWorkWithThem() {
        runner.withPropertyValues("ebpf.collections.cachestat-pre-kernel-5.16.object=classpath:bpf/openat_counter.bpf.o")
                .run(context -> {
                    Throwable failure = context.getStartupFailure();
                    while (failure != null && !(failure instanceof EbpfConfigurationException)) {
                        failure = failure.getCause();
                    }
                    assertThat(failure).isNotNull()
                            .hasMessageContaining("'cachestat-pre-kernel-5.16' contains dots")
                            .hasMessageContaining("ebpf.collections[cachestat-pre-kernel-5.16].object")
                            .hasMessageContaining("\"[cachestat-pre-kernel-5.16]\"");
                    assertThat(((EbpfConfigurationException) failure).property())
                            .isEqualTo("ebpf.collections.cachestat-pre-kernel-5.16.object");
                });
        runner.withPropertyValues("ebpf.failure-mode=warn",
                        "ebpf.collections[cachestat-pre-kernel-5.16].object=classpath:bpf/openat_counter.bpf.o")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(EbpfCollections.class).get("cachestat-pre-kernel-5.16")).isPresent();
                    assertThat(context.containsBean("cachestat-pre-kernel-5.16.opens")).isTrue();
                });
    }

    @Test
    void switchedOffByEbpfEnabled() {
        runner.withPropertyValues("ebpf.enabled=false",
                        "ebpf.collections.missing.object=classpath:bpf/does-not-exist.bpf.o")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(EbpfCollections.class).doesNotHaveBean(EbpfProperties.class);
                });
    }

    @Test
    void startsWithoutMicrometerActuatorOrHealth() {
        runner.withClassLoader(new FilteredClassLoader("io.micrometer", "org.springframework.boot.actuate",
                        "org.springframework.boot.health", "org.springframework.boot.micrometer",
                        "io.prometheus"))
                .withPropertyValues("ebpf.failure-mode=warn",
                        "ebpf.collections.counter.object=classpath:bpf/openat_counter.bpf.o")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(EbpfCollections.class);
                    assertThat(context.getBean(EbpfCollections.class).get("counter")).isPresent();
                    assertThat(context.containsBean("counter.opens")).isTrue();
                });
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnRegistry() {
        runner.withUserConfiguration(OwnRegistry.class)
                .withPropertyValues("ebpf.collections.counter.object=classpath:bpf/openat_counter.bpf.o")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(EbpfCollections.class)
                            .doesNotHaveBean(EbpfCollectionRegistry.class);
                    assertThat(context.containsBean("counter.opens")).isFalse();
                });
    }

    @Test
    void leavesBeanNamesTheApplicationUses() {
        runner.withUserConfiguration(OwnCounterBean.class)
                .withPropertyValues("ebpf.failure-mode=warn",
                        "ebpf.collections.counter.object=classpath:bpf/openat_counter.bpf.o")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean("counter.opens")).isEqualTo("the application's own");
                });
    }

    @Test
    void declaresBeansForTheObjectsCollectionMapsAndPrograms() {
        runner.withPropertyValues("ebpf.failure-mode=warn",
                        "ebpf.collections.traffic.object=classpath:bpf/cgroup_traffic.bpf.o",
                        "ebpf.collections.traffic.programs.count_egress.enabled=false",
                        "ebpf.collections.traffic.programs.count_ingress.attach=none")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    var factory = context.getBeanFactory();
                    assertThat(factory.getType("traffic")).isEqualTo(BpfCollection.class);
                    assertThat(factory.getType("traffic.traffic")).isEqualTo(BpfMap.class);
                    assertThat(factory.getType("traffic.count_ingress")).isEqualTo(BpfProgram.class);
                    assertThat(context.containsBean("traffic.count_egress")).as("disabled program").isFalse();
                    assertThat(factory.getBeanDefinition("traffic.traffic.typed").getScope())
                            .isEqualTo(BeanDefinition.SCOPE_PROTOTYPE);
                    assertThat(factory.getType("traffic.traffic.typed")).isEqualTo(TypedMap.class);
                    assertThat(context.getBeanNamesForType(BpfMap.class)).containsExactly("traffic.traffic");
                });
    }

    @Test
    void aCollectionWithoutObjectIsABindingError() {
        runner.withPropertyValues("ebpf.collections.counter.constants.target_pid=self").run(context -> {
            assertThat(context).hasFailed();
            BindValidationException validation = findCause(context.getStartupFailure(), BindValidationException.class);
            assertThat(validation.getValidationErrors().getName().toString()).isEqualTo("ebpf");
            assertThat(validation.getMessage()).contains("collections[counter].object")
                    .contains("must name the BPF ELF object");
        });
    }

    @Test
    void explicitHooksNeedTheirTargets() {
        runner.withPropertyValues("ebpf.collections.net.object=classpath:bpf/sections.bpf.o",
                        "ebpf.collections.net.programs.xdp_pass.attach=xdp",
                        "ebpf.collections.net.programs.cgroup_ingress.attach=cgroup-skb/ingress",
                        "ebpf.collections.net.programs.raw_enter.pid=me")
                .run(context -> {
                    assertThat(context).hasFailed();
                    String message = findCause(context.getStartupFailure(), BindValidationException.class)
                            .getMessage();
                    assertThat(message).contains("programs[xdp_pass].interface")
                            .contains("must name a network interface for attach 'xdp'")
                            .contains("programs[cgroup_ingress].cgroup")
                            .contains("programs[raw_enter].pid").contains("must be 'self' or a positive process id");
                });
    }

    @Test
    void attachKindsAreWrittenLikeSectionNames() {
        runner.withPropertyValues("ebpf.failure-mode=warn",
                        "ebpf.collections.net.object=classpath:bpf/sections.bpf.o",
                        "ebpf.collections.net.programs.cgroup_ingress.attach=cgroup_skb/ingress",
                        "ebpf.collections.net.programs.cgroup_ingress.cgroup=self",
                        "ebpf.collections.net.programs.connect4.attach=cgroup/connect4",
                        "ebpf.collections.net.programs.connect4.cgroup=self",
                        "ebpf.collections.net.programs.tc_ok.attach=tcx/ingress",
                        "ebpf.collections.net.programs.tc_ok.interface=lo")
                .run(context -> {
                    EbpfProperties.CollectionProperties net = context.getBean(EbpfProperties.class).getCollections().get("net");
                    assertThat(net.getPrograms().get("cgroup_ingress").getAttach())
                            .isEqualTo(AttachKind.CGROUP_SKB_INGRESS);
                    assertThat(net.getPrograms().get("connect4").getAttach()).isEqualTo(AttachKind.CGROUP_CONNECT4);
                    assertThat(net.getPrograms().get("tc_ok").getAttach()).isEqualTo(AttachKind.TCX_INGRESS);
                });
    }

    @Test
    void anUnknownAttachKindIsABindingError() {
        runner.withPropertyValues("ebpf.collections.net.object=classpath:bpf/sections.bpf.o",
                        "ebpf.collections.net.programs.xdp_pass.attach=xdp-native")
                .run(context -> {
                    assertThat(context).hasFailed();
                    BindException bind = findCause(context.getStartupFailure(), BindException.class);
                    assertThat(bind.getProperty().getValue()).isEqualTo("xdp-native");
                    assertThat(bind.getTarget().getType().resolve()).isEqualTo(AttachKind.class);
                });
    }

    @Test
    void aMissingObjectNamesTheObjectsThatExist() {
        runner.withPropertyValues("ebpf.collections.counter.object=classpath:bpf/openat_countr.bpf.o").run(context -> {
            assertThat(context).hasFailed();
            EbpfObjectNotFoundException failure = findCause(context.getStartupFailure(),
                    EbpfObjectNotFoundException.class);
            assertThat(failure.collection()).isEqualTo("counter");
            assertThat(failure.getMessage()).contains("class path resource [bpf/openat_countr.bpf.o]")
                    .contains("ebpf.collections.counter.object");
            assertThat(failure.candidates()).contains("classpath:bpf/openat_counter.bpf.o",
                    "classpath:bpf/sections.bpf.o");
        });
    }

    @Test
    void aMissingObjectOnlyFailsItsCollectionUnderWarn() {
        runner.withPropertyValues("ebpf.collections.counter.object=classpath:bpf/openat_countr.bpf.o",
                        "ebpf.collections.counter.failure-mode=warn")
                .withUserConfiguration(OptionalCollectionUser.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ManagedCollection counter = context.getBean(EbpfCollections.class).get("counter").orElseThrow();
                    assertThat(counter.status()).isEqualTo(ManagedCollection.Status.FAILED);
                    assertThat(counter.failure()).isInstanceOf(EbpfObjectNotFoundException.class);
                    assertThat(counter.collection()).isNull();
                    assertThat(context.getBean(OptionalCollectionUser.class).collection).isEmpty();
                });
    }

    @Test
    void unknownNamesInConfigurationListTheNamesTheObjectHas() {
        runner.withPropertyValues("ebpf.collections.counter.object=classpath:bpf/openat_counter.bpf.o",
                        "ebpf.collections.counter.constants.target_tgid=self")
                .run(context -> {
                    EbpfConfigurationException failure = findCause(context.getStartupFailure(),
                            EbpfConfigurationException.class);
                    assertThat(failure.property()).isEqualTo("ebpf.collections.counter.constants.target_tgid");
                    assertThat(failure.candidates()).containsExactly("target_pid");
                    assertThat(failure.getMessage()).contains("has no global variable 'target_tgid'; it has target_pid");
                });
        runner.withPropertyValues("ebpf.collections.counter.object=classpath:bpf/openat_counter.bpf.o",
                        "ebpf.collections.counter.map-overrides.open.max-entries=10")
                .run(context -> assertThat(findCause(context.getStartupFailure(), EbpfConfigurationException.class)
                        .candidates()).contains("opens"));
        runner.withPropertyValues("ebpf.collections.counter.object=classpath:bpf/openat_counter.bpf.o",
                        "ebpf.collections.counter.programs.count_open.attach=none")
                .run(context -> assertThat(findCause(context.getStartupFailure(), EbpfConfigurationException.class)
                        .candidates()).containsExactly("count_openat"));
    }

    @Test
    void aPinPathOutsideBpffsIsRefused() {
        runner.withPropertyValues("ebpf.collections.pinned.object=classpath:bpf/pinned_counter.bpf.o",
                        "ebpf.collections.pinned.pin-path=/tmp/ebpf4j-not-bpffs")
                .run(context -> {
                    EbpfConfigurationException failure = findCause(context.getStartupFailure(),
                            EbpfConfigurationException.class);
                    assertThat(failure.property()).isEqualTo("ebpf.collections.pinned.pin-path");
                    assertThat(failure.getMessage()).contains("/tmp/ebpf4j-not-bpffs is not on a BPF file system");
                });
    }

    static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + failure, failure);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRegistry {
        @Bean
        EbpfCollections myCollections() {
            return new EbpfCollections() {
                @Override
                public Collection<ManagedCollection> all() {
                    return List.of();
                }

                @Override
                public Optional<ManagedCollection> get(String name) {
                    return Optional.empty();
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnCounterBean {
        @Bean("counter.opens")
        String counterOpens() {
            return "the application's own";
        }
    }

    static class OptionalCollectionUser {
        final Optional<BpfCollection> collection;

        OptionalCollectionUser(@org.springframework.beans.factory.annotation.Qualifier("counter")
                Optional<BpfCollection> collection) {
            this.collection = collection;
        }
    }
}
