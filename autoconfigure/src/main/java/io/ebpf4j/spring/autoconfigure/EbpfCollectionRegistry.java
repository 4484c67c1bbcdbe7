package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.BpfCollection;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.CollectionSpec;
import io.ebpf4j.MapFlags;
import io.ebpf4j.MapType;
import io.ebpf4j.TypedMap;
import io.ebpf4j.btf.Spec;
import io.ebpf4j.internal.Mounts;
import io.ebpf4j.spring.EbpfCollectionException.Stage;
import io.ebpf4j.spring.EbpfCollectionException;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.EbpfConfigurationException;
import io.ebpf4j.spring.ManagedCollection.ProgramState;
import io.ebpf4j.spring.ManagedCollection.Status;
import io.ebpf4j.spring.ManagedCollection;
import io.ebpf4j.spring.autoconfigure.EbpfProperties.FailureMode;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.InjectionPoint;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.Resource;
import org.springframework.util.ClassUtils;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Loads the collections declared under {@code ebpf.collections} when it is created (during context refresh, before
 * the beans that inject their maps and programs), attaches their programs when the context starts, detaches them
 * when it stops and closes everything when it is destroyed. It is the {@link EbpfCollections} registry that metrics,
 * the endpoint and health read, and the factory of the {@code <collection>}, {@code <collection>.<map>} and
 * {@code <collection>.<program>} beans.
 *
 * <p>With {@code failure-mode: warn} a collection that fails is marked {@link Status#FAILED} with the reason and
 * the application starts anyway; its beans are then {@code null} (inject them as {@code Optional} or
 * {@code ObjectProvider} to tolerate that).
 */
public final class EbpfCollectionRegistry implements EbpfCollections, InitializingBean, SmartLifecycle,
        DisposableBean {
    /** Bean name of the registry. */
    public static final String BEAN_NAME = "ebpfCollectionRegistry";

    /**
     * Lifecycle phase of attaching: before the web server starts (Boot starts it at {@code DEFAULT_PHASE - 2048}),
     * so that the first request to metrics, the endpoint or health sees attached programs, and detaching happens
     * only after the server stopped taking requests.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Log logger = LogFactory.getLog(EbpfCollectionRegistry.class);

    private final EbpfProperties properties;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}; in declaration order. */
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private volatile Map<String, ManagedCollection> snapshots = Map.of();
    private volatile boolean running;

    public EbpfCollectionRegistry(EbpfProperties properties) {
        this.properties = properties;
    }

    // -------------------------------------------------------------------------------------------------------------
    // EbpfCollections

    @Override
    public Collection<ManagedCollection> all() {
        return snapshots.values();
    }

    @Override
    public Optional<ManagedCollection> get(String name) {
        return Optional.ofNullable(snapshots.get(name));
    }

    // -------------------------------------------------------------------------------------------------------------
    // Bean factory methods

    /** The loaded collection, or {@code null} when it failed under {@code failure-mode: warn}. */
    public BpfCollection collection(String name) {
        synchronized (lock) {
            return entry(name).collection;
        }
    }

    /** A map of a loaded collection, or {@code null} when the collection failed under {@code failure-mode: warn}. */
    public BpfMap map(String collectionName, String mapName) {
        synchronized (lock) {
            Entry entry = entry(collectionName);
            if (entry.collection == null) {
                return null;
            }
            BpfMap map = entry.collection.maps().get(mapName);
            if (map == null) {
                throw new EbpfConfigurationException(collectionName, entry.object, null,
                        "ebpf.collections." + collectionName + ".object", entry.object + " has no map '" + mapName
                        + "' any more (the bean was declared from another version of the object)",
                        List.copyOf(new TreeSet<>(entry.collection.maps().keySet())), null);
            }
            return map;
        }
    }

    /**
     * A program of a loaded collection, or {@code null} when the collection failed under {@code failure-mode: warn}.
     */
    public BpfProgram program(String collectionName, String programName) {
        synchronized (lock) {
            Entry entry = entry(collectionName);
            if (entry.collection == null) {
                return null;
            }
            BpfProgram program = entry.collection.programs().get(programName);
            if (program == null) {
                throw new EbpfConfigurationException(collectionName, entry.object, programName,
                        "ebpf.collections." + collectionName + ".programs." + programName, entry.object
                        + " loaded no program '" + programName + "'",
                        List.copyOf(new TreeSet<>(entry.collection.programs().keySet())), null);
            }
            return program;
        }
    }

    /**
     * A typed view of a map, with codecs chosen from the generic types of the injection point
     * ({@code TypedMap<Long, Long>}, {@code TypedMap<Integer, MyRecord>}, ...).
     */
    public TypedMap<?, ?> typedMap(String collectionName, String mapName, InjectionPoint injectionPoint) {
        BpfMap map = map(collectionName, mapName);
        if (map == null) {
            return null;
        }
        CollectionSpec spec;
        synchronized (lock) {
            spec = entry(collectionName).spec;
        }
        return TypedMaps.create(map, spec.maps().get(mapName), injectionPoint);
    }

    /**
     * The generated {@code XxxObjects} class {@code className} over a loaded collection (its {@code of(BpfCollection)},
     * which leaves the collection to this registry), or {@code null} when the collection failed under
     * {@code failure-mode: warn}.
     */
    public Object objects(String collectionName, String className) {
        BpfCollection collection = collection(collectionName);
        if (collection == null) {
            return null;
        }
        try {
            Class<?> type = ClassUtils.forName(className, null);
            return type.getMethod("of", BpfCollection.class).invoke(null, collection);
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalStateException(className + " is not a class generated by ebpf4j-codegen for collection '"
                    + collectionName + "'", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(className + ".of(collection '" + collectionName + "') failed",
                    e.getCause());
        }
    }

    private Entry entry(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new IllegalStateException("no BPF collection '" + name + "' is declared under ebpf.collections;"
                    + " declared: " + entries.keySet());
        }
        return entry;
    }

    // -------------------------------------------------------------------------------------------------------------
    // Loading

    /** Loads every declared collection, in declaration order. */
    @Override
    public void afterPropertiesSet() {
        if (properties.isMountFileSystems() && !properties.getCollections().isEmpty()) {
            mountFileSystems();
        }
        Spec kernelBtf = kernelBtf();
        synchronized (lock) {
            for (Map.Entry<String, EbpfProperties.CollectionProperties> declared
                    : properties.getCollections().entrySet()) {
                Entry entry = new Entry(declared.getKey(), declared.getValue(), failureMode(declared.getValue()));
                entries.put(entry.name, entry);
                try {
                    load(entry, kernelBtf);
                } catch (EbpfCollectionException e) {
                    fail(entry, e);
                } catch (RuntimeException | Error e) {
                    closeAll(e);
                    throw e;
                }
            }
            publish();
        }
    }

    private static void mountFileSystems() {
        if (Mounts.mountIfMissing(Mounts.BPF, Mounts.BPFFS_DEFAULT)) {
            logger.info("Mounted bpffs at " + Mounts.BPFFS_DEFAULT + " (ebpf.mount-file-systems)");
        }
        if (Mounts.mountIfMissing(Mounts.TRACEFS, Mounts.TRACEFS_DEFAULT)) {
            logger.info("Mounted tracefs at " + Mounts.TRACEFS_DEFAULT + " (ebpf.mount-file-systems)");
        }
    }

    private void load(Entry entry, Spec kernelBtf) {
        entry.spec = BpfObjectLoader.read(entry.name, entry.config.getObject());
        BpfObjectLoader.configure(entry.name, entry.config, entry.spec);
        entry.collection = BpfObjectLoader.load(entry.name, entry.config, entry.spec, kernelBtf);
        for (String programName : entry.collection.programs().keySet()) {
            EbpfProperties.Program config = entry.config.getPrograms().getOrDefault(programName,
                    new EbpfProperties.Program());
            boolean required = config.getRequired() != null ? config.getRequired() : entry.mode == FailureMode.FAIL;
            entry.programs.put(programName, new ProgramEntry(programName, config, required));
        }
        entry.status = Status.LOADED;
        logger.debug("Loaded BPF collection '" + entry.name + "' from " + entry.object + ": programs "
                + entry.collection.programs().keySet() + ", maps " + entry.collection.maps().keySet());
    }

    private Spec kernelBtf() {
        Resource path = properties.getBtf().getPath();
        if (path == null) {
            return null;
        }
        try (InputStream in = path.getInputStream()) {
            return Spec.parse(in.readAllBytes());
        } catch (IOException | RuntimeException e) {
            throw new EbpfConfigurationException(null, path.getDescription(), null, "ebpf.btf.path",
                    "cannot read kernel BTF from " + path.getDescription() + ": " + e.getMessage(), List.of(), e);
        }
    }

    private FailureMode failureMode(EbpfProperties.CollectionProperties config) {
        return config.getFailureMode() != null ? config.getFailureMode() : properties.getFailureMode();
    }

    /**
     * A collection failed: under 'fail' everything is released and the failure propagates (the context does not
     * start); under 'warn' the collection is marked failed and released, the others carry on.
     */
    private void fail(Entry entry, EbpfCollectionException failure) {
        if (entry.mode == FailureMode.FAIL) {
            closeAll(failure);
            throw failure;
        }
        logger.warn(failure.getMessage() + " (continuing: failure-mode is warn)");
        detach(entry);
        entry.status = Status.FAILED;
        entry.failure = failure;
    }

    // -------------------------------------------------------------------------------------------------------------
    // Attaching

    @Override
    public void start() {
        synchronized (lock) {
            for (Entry entry : entries.values()) {
                if (entry.status == Status.LOADED) {
                    attach(entry);
                    publish();
                }
            }
            running = true;
        }
    }

    private void attach(Entry entry) {
        if (!registerStructOps(entry)) {
            return;
        }
        for (ProgramEntry program : entry.programs.values()) {
            ProgramAttacher.Context context = new ProgramAttacher.Context(entry.name, entry.object,
                    entry.spec.programs().get(program.name), program.config);
            program.failure = null;
            try {
                ProgramAttacher.Plan plan = ProgramAttacher.plan(context);
                program.attach = plan.kind();
                if (plan.kind() == AttachKind.NONE) {
                    logger.debug("Not attaching program '" + program.name + "' of BPF collection '" + entry.name
                            + "': " + plan.target());
                    continue;
                }
                program.attachment = ProgramAttacher.attach(context, plan,
                        entry.collection.programs().get(program.name));
                logger.debug("Attached " + program.attachment.link().description());
            } catch (EbpfCollectionException e) {
                program.failure = e;
                if (program.required) {
                    try {
                        fail(entry, e);
                    } catch (EbpfCollectionException fatal) {
                        // closeAll released the links attached so far.
                        publish();
                        throw fatal;
                    }
                    return;
                }
                logger.warn(e.getMessage() + " (continuing: the program is not required)");
            }
        }
        entry.status = Status.ATTACHED;
    }

    /**
     * Registers the collection's {@code SEC(".struct_ops")} maps, once: the kernel registers a map only once, so they
     * stay registered across stop and start until the collection is closed. ({@code .struct_ops.link} maps are left
     * for the application, which attaches them with {@code BpfCollection.attachStructOps}.)
     *
     * @return false if the collection failed (under failure-mode warn)
     */
    private boolean registerStructOps(Entry entry) {
        if (entry.structOpsRegistered) {
            return true;
        }
        for (BpfMap map : entry.collection.maps().values()) {
            if (map.type() != MapType.STRUCT_OPS || (map.flags() & MapFlags.LINK) != 0) {
                continue;
            }
            try {
                entry.collection.attachStructOps(map.name());
            } catch (RuntimeException e) {
                try {
                    fail(entry, new EbpfCollectionException(entry.name, entry.object, null, Stage.ATTACH,
                            e.getMessage(), e));
                } catch (EbpfCollectionException fatal) {
                    publish(); // closeAll released everything
                    throw fatal;
                }
                return false;
            }
        }
        entry.structOpsRegistered = true;
        return true;
    }

    @Override
    public void stop() {
        synchronized (lock) {
            List<Entry> reversed = new ArrayList<>(entries.values());
            Collections.reverse(reversed);
            for (Entry entry : reversed) {
                detach(entry);
                if (entry.status == Status.ATTACHED) {
                    entry.status = Status.LOADED;
                }
            }
            running = false;
            publish();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    // -------------------------------------------------------------------------------------------------------------
    // Closing

    /** Detaches every link, then closes the collections (programs, then maps), last declared first. */
    @Override
    public void destroy() {
        synchronized (lock) {
            RuntimeException failure = closeAll(null);
            publish();
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * Releases everything; failures while closing are added to {@code primary} when there is one (a failed start
     * reports its own cause), otherwise the first is returned after everything was tried.
     */
    private RuntimeException closeAll(Throwable primary) {
        List<Entry> reversed = new ArrayList<>(entries.values());
        Collections.reverse(reversed);
        RuntimeException first = null;
        for (Entry entry : reversed) {
            try {
                detach(entry);
                if (entry.collection != null && entry.status != Status.CLOSED) {
                    entry.collection.close();
                    entry.status = Status.CLOSED;
                }
            } catch (RuntimeException e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        running = false;
        return first;
    }

    /** Closes the entry's links in reverse order of attachment; every link is tried even if one fails. */
    private static void detach(Entry entry) {
        List<ProgramEntry> reversed = new ArrayList<>(entry.programs.values());
        Collections.reverse(reversed);
        RuntimeException failure = null;
        for (ProgramEntry program : reversed) {
            if (program.attachment != null) {
                try {
                    program.attachment.close();
                } catch (RuntimeException e) {
                    failure = failure == null ? e : failure;
                } finally {
                    program.attachment = null;
                }
            }
        }
        if (failure != null) {
            throw new EbpfCollectionException(entry.name, entry.object, null, Stage.ATTACH, "cannot detach: "
                    + failure.getMessage(), failure);
        }
    }

    private void publish() {
        Map<String, ManagedCollection> published = new LinkedHashMap<>();
        for (Entry entry : entries.values()) {
            List<ProgramState> programs = new ArrayList<>();
            for (ProgramEntry program : entry.programs.values()) {
                programs.add(new ProgramState(program.name, program.attach.text(), program.required,
                        program.attachment != null,
                        program.attachment == null ? List.of() : List.of(program.attachment.link().description()),
                        program.failure));
            }
            // Readers must not touch the descriptors of a closed collection.
            BpfCollection loaded = entry.status == Status.CLOSED ? null : entry.collection;
            published.put(entry.name, new ManagedCollection(entry.name, entry.spec, loaded, entry.status,
                    entry.failure, programs));
        }
        snapshots = Collections.unmodifiableMap(published);
    }

    /** A declared collection and what became of it; guarded by {@link #lock}. */
    private static final class Entry {
        final String name;
        final EbpfProperties.CollectionProperties config;
        final FailureMode mode;
        final String object;
        CollectionSpec spec;
        BpfCollection collection;
        Status status;
        EbpfCollectionException failure;
        final Map<String, ProgramEntry> programs = new LinkedHashMap<>();
        /** Whether its struct_ops maps are registered; closing the collection unregisters them. */
        boolean structOpsRegistered;

        Entry(String name, EbpfProperties.CollectionProperties config, FailureMode mode) {
            this.name = name;
            this.config = config;
            this.mode = mode;
            this.object = config.getObject().getDescription();
        }
    }

    /** A loaded program and its attachment; guarded by {@link #lock}. */
    private static final class ProgramEntry {
        final String name;
        final EbpfProperties.Program config;
        final boolean required;
        AttachKind attach;
        ProgramAttacher.Attachment attachment;
        EbpfCollectionException failure;

        ProgramEntry(String name, EbpfProperties.Program config, boolean required) {
            this.name = name;
            this.config = config;
            this.required = required;
            this.attach = config.getAttach();
        }
    }
}
