package io.ebpf4j.spring.actuate;

import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.ManagedCollection;
import io.ebpf4j.spring.ManagedCollection.ProgramState;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Health per collection from the registry's state; no kernel involved. */
class EbpfHealthContributorTest {
    private final Map<String, ManagedCollection> state = new LinkedHashMap<>();
    private final EbpfCollections collections = new EbpfCollections() {
        @Override
        public Collection<ManagedCollection> all() {
            return new ArrayList<>(state.values());
        }

        @Override
        public Optional<ManagedCollection> get(String name) {
            return Optional.ofNullable(state.get(name));
        }
    };
    private final EbpfHealthContributor contributor = new EbpfHealthContributor(collections, "6.18.0", "vmlinux");

    private void put(String name, ManagedCollection.Status status, Throwable failure, ProgramState... programs) {
        state.put(name, new ManagedCollection(name, null, null, status, failure, List.of(programs)));
    }

    private static ProgramState program(String name, String attach, boolean required, boolean attached,
            String failure) {
        return new ProgramState(name, attach, required, attached,
                attached ? List.of(attach + " link") : List.of(), failure == null ? null
                        : new IllegalStateException(failure));
    }

    private Health health(String name) {
        return ((HealthIndicator) contributor.getContributor(name)).health();
    }

    @Test
    void attachedCollectionsAreUpWithCounts() {
        put("net", ManagedCollection.Status.ATTACHED, null, program("in", "cgroup-skb/ingress", true, true, null),
                program("helper", "none", true, false, null));
        Health health = health("net");
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("programs", "1/1").containsEntry("kernel", "6.18.0")
                .containsEntry("btf", "vmlinux").doesNotContainKey("failures");
    }

    @Test
    void aRequiredProgramThatIsNotAttachedMakesItDown() {
        put("probe", ManagedCollection.Status.ATTACHED, null,
                program("kp", "kprobe", true, false, "kprobe do_sys_openat2: ENOENT"));
        Health health = health("probe");
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("programs", "0/1")
                .containsEntry("failures", Map.of("kp", "required: kprobe do_sys_openat2: ENOENT"));
    }

    @Test
    void optionalFailuresAreReportedButStayUp() {
        put("mixed", ManagedCollection.Status.ATTACHED, null, program("tp", "tracepoint", false, true, null),
                program("kp", "kprobe", false, false, "no kprobes here"));
        Health health = health("mixed");
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("programs", "1/2")
                .containsEntry("failures", Map.of("kp", "no kprobes here"));
    }

    @Test
    void failedCollectionsAreDownWithTheReasonAndLoadedOrClosedOnesOutOfService() {
        put("broken", ManagedCollection.Status.FAILED, new IllegalStateException("verifier said no"));
        put("loaded", ManagedCollection.Status.LOADED, null, program("tp", "tracepoint", true, false, null));
        put("closed", ManagedCollection.Status.CLOSED, null);
        assertThat(health("broken").getStatus()).isEqualTo(Status.DOWN);
        assertThat(health("broken").getDetails()).containsEntry("failure", "verifier said no");
        assertThat(health("loaded").getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(health("closed").getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
    }

    @Test
    void componentsFollowTheRegistry() {
        put("a", ManagedCollection.Status.LOADED, null);
        HealthIndicator a = (HealthIndicator) contributor.getContributor("a");
        assertThat(contributor.stream().map(e -> e.name())).containsExactly("a");
        put("a", ManagedCollection.Status.ATTACHED, null);
        put("b", ManagedCollection.Status.ATTACHED, null);
        assertThat(a.health().getStatus()).as("reads the current state").isEqualTo(Status.UP);
        assertThat(contributor.stream().map(e -> e.name())).containsExactly("a", "b");
        assertThat(contributor.getContributor("missing")).isNull();
    }
}
