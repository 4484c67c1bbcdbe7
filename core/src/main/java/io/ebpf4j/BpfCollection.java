package io.ebpf4j;

import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.link.BpfLink;
import io.ebpf4j.link.Links;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The maps and programs of a {@link CollectionSpec}, loaded into the kernel. {@link #close()} unregisters the
 * struct_ops maps still attached through {@link #attachStructOps}, then closes the programs, then the maps (maps
 * passed in as replacements belong to the caller and stay open).
 */
public final class BpfCollection implements AutoCloseable {
    private final Map<String, BpfMap> maps;
    private final Map<String, BpfProgram> programs;
    private final Set<String> borrowedMaps;
    /** The kernel values of the {@code SEC(".struct_ops")} maps, which register them when written. */
    private final Map<String, StructOpsValue> structOpsValues;
    /** Registrations made by {@link #attachStructOps} and not yet undone, by map name. */
    private final Map<String, StructOpsRegistration> registrations = new ConcurrentHashMap<>();
    private final Map<String, VariableSpec> variables;
    private final Map<String, MapSpec> mapSpecs;

    BpfCollection(Map<String, BpfMap> maps, Map<String, BpfProgram> programs, Set<String> borrowedMaps,
            Map<String, StructOpsValue> structOpsValues, Map<String, VariableSpec> variables,
            Map<String, MapSpec> mapSpecs) {
        this.variables = Map.copyOf(variables);
        this.mapSpecs = Map.copyOf(mapSpecs);
        this.maps = Collections.unmodifiableMap(new LinkedHashMap<>(maps));
        this.programs = Collections.unmodifiableMap(new LinkedHashMap<>(programs));
        this.borrowedMaps = Set.copyOf(borrowedMaps);
        this.structOpsValues = Map.copyOf(structOpsValues);
    }

    /** Loads with default options. */
    public static BpfCollection load(CollectionSpec spec) {
        return load(spec, CollectionOptions.defaults());
    }

    /**
     * Creates the maps (reusing compatible pinned ones; maps whose {@link MapSpec#autocreate()} is off are left out),
     * loads the programs with every reference resolved, then writes the initial contents that refer to programs or
     * maps (program arrays, maps of maps). Nothing is registered with the kernel: struct_ops maps register when
     * attached ({@link #attachStructOps}), as with libbpf. If any step fails, everything created so far is closed
     * before the exception propagates.
     */
    public static BpfCollection load(CollectionSpec spec, CollectionOptions options) {
        return new CollectionLoader(spec, options).load();
    }

    /** Maps by name, in definition order. */
    public Map<String, BpfMap> maps() {
        return maps;
    }

    /** Loaded programs by name (programs with autoload off are absent). */
    public Map<String, BpfProgram> programs() {
        return programs;
    }

    /** The map called {@code name}; fails with the names that exist. */
    public BpfMap map(String name) {
        BpfMap map = maps.get(name);
        if (map == null) {
            throw new IllegalArgumentException("no map '" + name + "' in this collection; maps: " + maps.keySet());
        }
        return map;
    }

    /** The program called {@code name}; fails with the names that exist. */
    public BpfProgram program(String name) {
        BpfProgram program = programs.get(name);
        if (program == null) {
            throw new IllegalArgumentException("no program '" + name + "' in this collection; programs: "
                    + programs.keySet());
        }
        return program;
    }

    /**
     * A typed view of map {@code name}, with codecs chosen by {@link Codecs#forType}: records are laid out by the
     * map's BTF key/value types.
     */
    public <K, V> TypedMap<K, V> typedMap(String name, Class<K> keyType, Class<V> valueType) {
        BpfMap map = map(name);
        MapSpec spec = mapSpecs.get(name);
        Codec<K> keys = Codecs.forType(keyType, map.keySize(), spec == null ? null : spec.keyType(),
                "the key of map '" + name + "'");
        Codec<V> values = Codecs.forType(valueType, map.valueSize(), spec == null ? null : spec.valueType(),
                "the value of map '" + name + "'");
        return map.typed(keys, values);
    }

    /** The global variable called {@code name}, read and written through its data section's map. */
    public Variable variable(String name) {
        VariableSpec spec = variables.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("no global variable '" + name + "' in this collection; variables: "
                    + new TreeSet<>(variables.keySet()));
        }
        return new Variable(spec, map(spec.mapName()));
    }

    /**
     * Attaches what libbpf's skeleton {@code attach()} attaches: every program whose section name says where (see
     * {@link BpfProgram#attach()}; the others are left for the application, as libbpf leaves them), then every
     * struct_ops map ({@link #attachStructOps}). If one fails, those attached so far are detached again.
     *
     * @return the links, in program then map order; closing them detaches
     */
    public List<BpfLink> attach() {
        List<BpfLink> links = new ArrayList<>();
        try {
            for (BpfProgram program : programs.values()) {
                if (AutoAttach.attachable(program.sectionName()).isPresent()) {
                    links.add(program.attach());
                }
            }
            for (Map.Entry<String, BpfMap> map : maps.entrySet()) {
                if (map.getValue().type() == MapType.STRUCT_OPS && !borrowedMaps.contains(map.getKey())) {
                    links.add(attachStructOps(map.getKey()));
                }
            }
            return links;
        } catch (RuntimeException e) {
            for (BpfLink link : links) {
                try {
                    link.close();
                } catch (RuntimeException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
    }

    /**
     * Registers struct_ops map {@code name} with the kernel (libbpf's {@code bpf_map__attach_struct_ops}): a
     * {@code SEC(".struct_ops")} map by writing its value, undone when the returned handle is closed; a
     * {@code SEC(".struct_ops.link")} map through a bpf_link ({@link Links#structOps}), which can also be updated to
     * another map of the same struct.
     *
     * @throws IllegalArgumentException if the collection has no struct_ops map of that name
     * @throws BpfException if the kernel refuses the ops (a name already registered, a required member missing)
     */
    public BpfLink attachStructOps(String name) {
        BpfMap map = map(name);
        if (map.type() != MapType.STRUCT_OPS) {
            throw new IllegalArgumentException("map '" + name + "' is a " + map.type() + " map, not a struct_ops map");
        }
        if ((map.flags() & MapFlags.LINK) != 0) {
            return Links.structOps(map);
        }
        StructOpsValue value = structOpsValues.get(name);
        if (value == null) {
            throw new IllegalArgumentException("struct_ops map '" + name + "' was not loaded by this collection");
        }
        StructOpsRegistration registration = new StructOpsRegistration(map, registrations);
        if (registrations.putIfAbsent(name, registration) != null) {
            throw new IllegalStateException("struct_ops map '" + name + "' is attached already");
        }
        try {
            map.put(new byte[4], value.value());
        } catch (BpfException e) {
            registrations.remove(name);
            throw structOpsError("register", name, value.structName(), e);
        }
        return registration;
    }

    /** The value of a struct_ops map, laid out as the kernel's struct, and that struct's name. */
    record StructOpsValue(String structName, byte[] value) {}

    /** Why the kernel refused a struct_ops map's value, with what the usual errnos mean. */
    static BpfException structOpsError(String operation, String map, String struct, BpfException e) {
        String hint = e.errno() == Errno.EEXIST
                ? ": one with the same name is already registered"
                : e.errno() == Errno.EINVAL
                        ? ": the kernel refused the value (a member it requires may be missing)"
                        : e.errno() == Errno.EBUSY
                                ? ": the kernel registers a struct_ops map once, not again after unregistering it"
                                        + " (load the collection again)" : "";
        return new BpfException(operation + " struct_ops map '" + map + "' (struct " + struct + ")" + hint + ": "
                + e.getMessage(), e.errno(), e);
    }

    /**
     * Unregisters the struct_ops maps still attached, then closes programs, then maps, in reverse order of
     * creation. Everything is closed even if unregistering fails; the failure is thrown afterwards.
     */
    @Override
    public void close() {
        BpfException unregisterFailure = null;
        for (StructOpsRegistration registration : List.copyOf(registrations.values())) {
            try {
                registration.close();
            } catch (BpfException e) {
                if (unregisterFailure == null) {
                    unregisterFailure = e;
                } else {
                    unregisterFailure.addSuppressed(e);
                }
            }
        }
        List<KernelObject> order = new ArrayList<>(programs.values());
        Collections.reverse(order);
        List<String> mapNames = new ArrayList<>(maps.keySet());
        Collections.reverse(mapNames);
        for (String name : mapNames) {
            if (!borrowedMaps.contains(name)) {
                order.add(maps.get(name));
            }
        }
        for (KernelObject object : order) {
            object.close();
        }
        if (unregisterFailure != null) {
            throw unregisterFailure;
        }
    }

    @Override
    public String toString() {
        return "BpfCollection[programs " + programs.keySet() + ", maps " + maps.keySet() + "]";
    }
}
