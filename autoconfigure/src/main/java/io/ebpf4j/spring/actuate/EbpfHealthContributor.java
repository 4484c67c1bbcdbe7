package io.ebpf4j.spring.actuate;

import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.ManagedCollection;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Health of the BPF collections: one component per collection ({@code /actuator/health/ebpf/<collection>}), read
 * from the registry's current state, so collections that are loaded, attached or closed later are reflected. It
 * makes no system call and never reads a map.
 *
 * <ul>
 *   <li>{@code DOWN}: the collection failed to load, or a required program is not attached (its reason in the
 *       details);
 *   <li>{@code OUT_OF_SERVICE}: loaded but not attached (before start, after stop), or closed;
 *   <li>{@code UP}: attached; programs that are not required and failed are listed in the details.
 * </ul>
 *
 * Details: status, {@code programs} ("attached/expected", programs with attach 'none' not expected),
 * {@code failures} by program, the kernel release and where kernel BTF comes from.
 */
public final class EbpfHealthContributor implements CompositeHealthContributor {
    private final EbpfCollections collections;
    private final String kernel;
    private final String btf;

    /**
     * @param kernel the kernel release, shown in the details
     * @param btf where kernel BTF comes from (a file, or a note that there is none), shown in the details
     */
    public EbpfHealthContributor(EbpfCollections collections, String kernel, String btf) {
        this.collections = collections;
        this.kernel = kernel;
        this.btf = btf;
    }

    @Override
    public HealthContributor getContributor(String name) {
        return collections.get(name).map(this::indicator).orElse(null);
    }

    @Override
    public Stream<Entry> stream() {
        return collections.all().stream().map(c -> new Entry(c.name(), indicator(c)));
    }

    private HealthIndicator indicator(ManagedCollection snapshot) {
        String name = snapshot.name();
        return () -> health(collections.get(name).orElse(snapshot));
    }

    Health health(ManagedCollection collection) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", collection.status().toString());
        int expected = 0;
        int attached = 0;
        Map<String, String> failures = new LinkedHashMap<>();
        boolean requiredMissing = false;
        for (ManagedCollection.ProgramState program : collection.programs()) {
            if (!"none".equals(program.attach())) {
                expected++;
            }
            if (program.attached()) {
                attached++;
            } else if (program.failure() != null) {
                failures.put(program.name(), (program.required() ? "required: " : "") + program.failure().getMessage());
            }
            requiredMissing |= program.required() && !program.attached() && !"none".equals(program.attach());
        }
        details.put("programs", attached + "/" + expected);
        if (!failures.isEmpty()) {
            details.put("failures", failures);
        }
        details.put("kernel", kernel);
        details.put("btf", btf);
        Health.Builder health = switch (collection.status()) {
            case FAILED -> Health.down();
            case CLOSED, LOADED -> Health.outOfService();
            case ATTACHED -> requiredMissing ? Health.down() : Health.up();
        };
        if (collection.failure() != null) {
            details.put("failure", collection.failure().getMessage());
        }
        return health.withDetails(details).build();
    }
}
