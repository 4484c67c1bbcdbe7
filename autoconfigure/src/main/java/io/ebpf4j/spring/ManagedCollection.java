package io.ebpf4j.spring;

import io.ebpf4j.BpfCollection;
import io.ebpf4j.CollectionSpec;

import java.util.List;
import java.util.Optional;

/**
 * A collection declared under {@code ebpf.collections}, as the application manages it: its spec, what was loaded
 * and attached, and why something failed. Read by metrics, the Actuator endpoint and health.
 *
 * @param name the collection's name in configuration
 * @param spec the parsed object (with constants and map overrides applied), or {@code null} if it could not be read
 * @param collection the loaded maps and programs, or {@code null} if loading failed or the collection is closed
 *     (a collection that failed because a required program could not be attached stays loaded: its maps can
 *     still be read)
 * @param status where the collection stands
 * @param failure why the collection failed ({@link EbpfCollectionException}, whose cause is what the kernel or
 *     ebpf4j reported), or {@code null}
 * @param programs the state of each loaded program (disabled programs are absent)
 */
public record ManagedCollection(String name, CollectionSpec spec, BpfCollection collection, Status status,
        Throwable failure, List<ProgramState> programs) {

    public ManagedCollection {
        programs = List.copyOf(programs);
    }

    /** Life cycle of a collection. */
    public enum Status {
        /** Loaded into the kernel, programs not attached yet. */
        LOADED,
        /** Loaded and every enabled program attached (or its failure tolerated). */
        ATTACHED,
        /**
         * Loading failed, or a required program could not be attached and the collection's links were released
         * (see {@link #failure()}); only under {@code failure-mode: warn}, 'fail' stops the application instead.
         */
        FAILED,
        /** Closed at shutdown. */
        CLOSED
    }

    public Optional<BpfCollection> loaded() {
        return Optional.ofNullable(collection);
    }

    public Optional<Throwable> failureCause() {
        return Optional.ofNullable(failure);
    }

    /**
     * The state of one program.
     *
     * @param name program (function) name
     * @param attach where the program attaches: the configured kind ('tracepoint', 'cgroup-skb/ingress', ...),
     *     or for 'auto' the kind its section name gives once it was attached ('auto' before); 'none' when it is
     *     only loaded
     * @param required whether failing to attach it fails the collection
     * @param attached whether it is attached now
     * @param links descriptions of its attachments (e.g. 'tracepoint syscalls/sys_enter_openat')
     * @param failure why attaching failed ({@link EbpfCollectionException}), or {@code null}
     */
    public record ProgramState(String name, String attach, boolean required, boolean attached, List<String> links,
            Throwable failure) {
        public ProgramState {
            links = List.copyOf(links);
        }
    }
}
