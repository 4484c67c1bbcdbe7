package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.BpfCollection;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.TypedMap;
import io.ebpf4j.VerifierException;
import io.ebpf4j.internal.Kallsyms;
import io.ebpf4j.link.LinkInfo;
import io.ebpf4j.link.Links;
import io.ebpf4j.spring.BpfMapRef;
import io.ebpf4j.spring.EbpfAttachTargetException;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.EbpfConfigurationException;
import io.ebpf4j.spring.ManagedCollection;
import io.ebpf4j.spring.ManagedCollection.ProgramState;
import io.ebpf4j.spring.ManagedCollection.Status;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.RequiresKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static io.ebpf4j.spring.autoconfigure.KernelFixtures.currentThreadId;
import static io.ebpf4j.spring.autoconfigure.KernelFixtures.open;
import static org.assertj.core.api.Assertions.assertThat;

/** Collections declared in properties, loaded and attached in the real kernel, seen through injected beans. */
@RequiresKernel
class EbpfKernelTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EbpfAutoConfiguration.class))
            .withPropertyValues("ebpf.collections.counter.object=classpath:bpf/openat_counter.bpf.o",
                    "ebpf.collections.counter.constants.target_pid=self");

    @TempDir
    Path directory;

    @Test
    void aDeclaredCollectionIsAttachedAtStartupAndItsMapBeanCountsThisThreadsOpens() throws Exception {
        Path file = Files.writeString(directory.resolve("opened"), "x");
        runner.withBean(OpenCounter.class).run(context -> {
            ManagedCollection counter = context.getBean(EbpfCollections.class).get("counter").orElseThrow();
            assertThat(counter.status()).isEqualTo(Status.ATTACHED);
            assertThat(counter.programs()).singleElement().satisfies(program -> {
                assertThat(program.attach()).isEqualTo("tracepoint");
                assertThat(program.attached()).isTrue();
                assertThat(program.links()).singleElement().asString()
                        .contains("tracepoint syscalls/sys_enter_openat");
            });

            OpenCounter opens = context.getBean(OpenCounter.class);
            assertThat(opens.byQualifier).isSameAs(opens.byReference);
            long thread = currentThreadId();
            long before = opens.typed.get(thread).orElse(0L);
            open(file, 5);
            // The tracepoint program runs inside the syscall: the count is there when open returns.
            assertThat(opens.typed.get(thread)).hasValueSatisfying(count -> assertThat(count).isGreaterThanOrEqualTo(
                    before + 5));
        });
    }

    @Test
    void targetPidSelfCountsThisProcessOnly() throws Exception {
        Path file = Files.writeString(directory.resolve("opened"), "x");
        runner.withBean(OpenCounter.class).run(context -> {
            Process child = new ProcessBuilder("cat", file.toString()).redirectErrorStream(true).start();
            child.getInputStream().readAllBytes();
            assertThat(child.waitFor()).isZero();
            open(file, 1);

            Set<Long> threads = context.getBean(OpenCounter.class).typed.toMap().keySet();
            assertThat(threads).contains(currentThreadId()).doesNotContain(child.pid());
        });
    }

    @Test
    void pinnedMapsKeepTheirCountsAcrossARestart() throws Exception {
        Path pinPath = Path.of("/sys/fs/bpf", "ebpf4j-starter-test-" + ProcessHandle.current().pid());
        Path file = Files.writeString(directory.resolve("opened"), "x");
        ApplicationContextRunner pinned = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(EbpfAutoConfiguration.class))
                .withPropertyValues("ebpf.collections.pinned.object=classpath:bpf/pinned_counter.bpf.o",
                        "ebpf.collections.pinned.constants.target_pid=self",
                        "ebpf.collections.pinned.pin-path=" + pinPath)
                .withBean(PinnedCounter.class);
        try {
            long[] first = new long[1];
            pinned.run(context -> {
                PinnedCounter counter = context.getBean(PinnedCounter.class);
                open(file, 3);
                first[0] = counter.total();
                assertThat(first[0]).isGreaterThanOrEqualTo(3);
            });
            assertThat(pinPath.resolve("total_opens")).exists();
            pinned.run(context -> {
                PinnedCounter counter = context.getBean(PinnedCounter.class);
                assertThat(counter.total()).as("count after the restart").isGreaterThanOrEqualTo(first[0]);
                open(file, 3);
                assertThat(counter.total()).isGreaterThanOrEqualTo(first[0] + 3);
            });
        } finally {
            Files.deleteIfExists(pinPath.resolve("total_opens"));
            Files.deleteIfExists(pinPath);
        }
    }

    @Test
    void shutdownLeavesNoLinksProgramsOrDescriptorsBehind() {
        ApplicationContextRunner twoCollections = runner.withPropertyValues(
                "ebpf.collections.hooks.object=classpath:bpf/two_hooks.bpf.o",
                "ebpf.collections.hooks.programs.missing_hook.required=false");
        twoCollections.run(context -> assertThat(context).hasNotFailed()); // loads classes and opens jars once
        FdCount.Snapshot descriptors = FdCount.snapshot();
        Set<Integer> programIds = new HashSet<>();
        twoCollections.run(context -> {
            EbpfCollections collections = context.getBean(EbpfCollections.class);
            for (ManagedCollection managed : collections.all()) {
                for (BpfProgram program : managed.collection().programs().values()) {
                    programIds.add(program.info().id());
                }
            }
            assertThat(programIds).hasSize(3);
            assertThat(linksOf(programIds)).as("links while running").hasSize(2);
        });
        assertThat(BpfProgram.allIds()).doesNotContainAnyElementsOf(programIds);
        assertThat(linksOf(programIds)).isEmpty();
        assertThat(descriptors.openedSince()).isEmpty();
    }

    @Test
    void stopDetachesAndStartAttachesAgain() {
        runner.run(context -> {
            EbpfCollections collections = context.getBean(EbpfCollections.class);
            ((ConfigurableApplicationContext) context.getSourceApplicationContext()).stop();
            ManagedCollection stopped = collections.get("counter").orElseThrow();
            assertThat(stopped.status()).isEqualTo(Status.LOADED);
            assertThat(stopped.programs()).noneMatch(ProgramState::attached);
            ((ConfigurableApplicationContext) context.getSourceApplicationContext()).start();
            assertThat(collections.get("counter").orElseThrow().status()).isEqualTo(Status.ATTACHED);
        });
    }

    @Test
    void aProgramThatIsNotRequiredMayFailToAttach() {
        runner.withPropertyValues("ebpf.collections.hooks.object=classpath:bpf/two_hooks.bpf.o",
                        "ebpf.collections.hooks.programs.missing_hook.required=false")
                .run(context -> {
                    ManagedCollection hooks = context.getBean(EbpfCollections.class).get("hooks").orElseThrow();
                    assertThat(hooks.status()).isEqualTo(Status.ATTACHED);
                    assertThat(program(hooks, "existing_hook").attached()).isTrue();
                    ProgramState missing = program(hooks, "missing_hook");
                    assertThat(missing.attached()).isFalse();
                    assertThat(missing.failure()).isInstanceOf(EbpfAttachTargetException.class)
                            .hasMessageContaining("unknown tracepoint ebpf4j_test/no_such_event");
                });
    }

    @Test
    void aRequiredProgramThatFailsFailsItsCollectionUnderWarn() {
        runner.withPropertyValues("ebpf.collections.hooks.object=classpath:bpf/two_hooks.bpf.o",
                        "ebpf.collections.hooks.failure-mode=warn",
                        "ebpf.collections.hooks.programs.missing_hook.required=true")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    EbpfCollections collections = context.getBean(EbpfCollections.class);
                    ManagedCollection hooks = collections.get("hooks").orElseThrow();
                    assertThat(hooks.status()).isEqualTo(Status.FAILED);
                    assertThat(hooks.failure()).isInstanceOf(EbpfAttachTargetException.class);
                    assertThat(hooks.programs()).noneMatch(ProgramState::attached);
                    assertThat(hooks.collection()).as("maps stay readable").isNotNull();
                    assertThat(collections.get("counter").orElseThrow().status()).isEqualTo(Status.ATTACHED);
                });
    }

    @Test
    void aRequiredProgramThatFailsStopsTheApplicationAndReleasesEverything() {
        ApplicationContextRunner failing = runner.withPropertyValues(
                "ebpf.collections.hooks.object=classpath:bpf/two_hooks.bpf.o");
        failing.run(context -> assertThat(context).hasFailed());
        FdCount.Snapshot descriptors = FdCount.snapshot();
        failing.run(context -> {
            assertThat(context).hasFailed();
            EbpfAttachTargetException failure = EbpfAutoConfigurationTest.findCause(context.getStartupFailure(),
                    EbpfAttachTargetException.class);
            assertThat(failure.collection()).isEqualTo("hooks");
            assertThat(failure.program()).isEqualTo("missing_hook");
            assertThat(failure.property()).isEqualTo("ebpf.collections.hooks.programs.missing_hook.tracepoint");
        });
        assertThat(descriptors.openedSince()).isEmpty();
    }

    @Test
    void aCollectionThatFailsToLoadStopsTheApplicationAndReleasesTheOthers() {
        ApplicationContextRunner failing = runner.withPropertyValues(
                "ebpf.collections.rejected.object=classpath:bpf/rejected.bpf.o");
        failing.run(context -> assertThat(context).hasFailed());
        FdCount.Snapshot descriptors = FdCount.snapshot();
        failing.run(context -> assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(VerifierException.class));
        assertThat(descriptors.openedSince()).isEmpty();
    }

    @Test
    void aCollectionTheVerifierRejectsFailsAloneUnderWarn() {
        runner.withPropertyValues("ebpf.collections.rejected.object=classpath:bpf/rejected.bpf.o",
                        "ebpf.collections.rejected.failure-mode=warn")
                .withBean(OptionalMapUser.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    EbpfCollections collections = context.getBean(EbpfCollections.class);
                    ManagedCollection rejected = collections.get("rejected").orElseThrow();
                    assertThat(rejected.status()).isEqualTo(Status.FAILED);
                    assertThat(rejected.failure()).hasCauseInstanceOf(VerifierException.class);
                    assertThat(rejected.collection()).isNull();
                    assertThat(context.getBean(OptionalMapUser.class).counter).isEmpty();
                    assertThat(collections.get("counter").orElseThrow().status()).isEqualTo(Status.ATTACHED);
                });
    }

    @Test
    void constantsOfEveryKindReachTheLoadedCollection() {
        runner.withPropertyValues("ebpf.collections.constants.object=classpath:bpf/constants.bpf.o",
                        "ebpf.collections.constants.constants.small=0x7f",
                        "ebpf.collections.constants.constants.delta=-5",
                        "ebpf.collections.constants.constants.enabled=true",
                        "ebpf.collections.constants.constants.target_pid=self",
                        "ebpf.collections.constants.constants.comm=java",
                        "ebpf.collections.constants.constants.address=kaddr:do_sys_openat2")
                .run(context -> {
                    BpfCollection constants = context.getBean("constants", BpfCollection.class);
                    assertThat(constants.variable("small").getLong()).isEqualTo(0x7f);
                    assertThat(constants.variable("delta").getLong()).isEqualTo(-5);
                    assertThat(constants.variable("enabled").getLong()).isEqualTo(1);
                    assertThat(constants.variable("target_pid").getLong()).isEqualTo(ProcessHandle.current().pid());
                    assertThat(constants.variable("comm").getString()).isEqualTo("java");
                    assertThat(constants.variable("address").getLong())
                            .isEqualTo(Kallsyms.address("do_sys_openat2").orElseThrow()).isNotZero();
                });
    }

    @Test
    void anExternalKernelBtfIsUsedForLoading() {
        runner.withPropertyValues("ebpf.btf.path=file:/sys/kernel/btf/vmlinux").run(context ->
                assertThat(context.getBean(EbpfCollections.class).get("counter").orElseThrow().status())
                        .isEqualTo(Status.ATTACHED));
        runner.withPropertyValues("ebpf.btf.path=classpath:bpf/not-an-object.bpf.o").run(context -> {
            EbpfConfigurationException failure = EbpfAutoConfigurationTest.findCause(context.getStartupFailure(),
                    EbpfConfigurationException.class);
            assertThat(failure.property()).isEqualTo("ebpf.btf.path");
            assertThat(failure.getMessage()).startsWith("cannot read kernel BTF from class path resource"
                    + " [bpf/not-an-object.bpf.o]: ");
        });
    }

    private static ProgramState program(ManagedCollection collection, String name) {
        return collection.programs().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<LinkInfo> linksOf(Set<Integer> programIds) {
        return Links.all().stream().filter(link -> programIds.contains(link.programId()))
                .collect(Collectors.toList());
    }

    static class OpenCounter {
        final BpfMap byQualifier;
        final BpfMap byReference;
        final TypedMap<Long, Long> typed;

        OpenCounter(@Qualifier("counter.opens") BpfMap byQualifier,
                @BpfMapRef(collection = "counter", map = "opens") BpfMap byReference,
                @BpfMapRef(collection = "counter", map = "opens") TypedMap<Long, Long> typed) {
            this.byQualifier = byQualifier;
            this.byReference = byReference;
            this.typed = typed;
        }
    }

    static class PinnedCounter {
        private final TypedMap<Integer, Long> totalOpens;

        PinnedCounter(@BpfMapRef(collection = "pinned", map = "total_opens") TypedMap<Integer, Long> totalOpens) {
            this.totalOpens = totalOpens;
        }

        long total() {
            return totalOpens.get(0).orElseThrow();
        }
    }

    static class OptionalMapUser {
        final Optional<BpfMap> counter;

        OptionalMapUser(@Qualifier("rejected.counter") Optional<BpfMap> counter) {
            this.counter = counter;
        }
    }
}
