package io.ebpf4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The maps and programs of a {@link CollectionSpec}, loaded into the kernel. {@link #close()} unregisters the
 * struct_ops maps that loading registered ({@code SEC(".struct_ops")}), then closes the programs, then the maps (maps
 * passed in as replacements belong to the caller and stay open).
 */
public final class BpfCollection implements AutoCloseable {
    private final Map<String, BpfMap> maps;
    private final Map<String, BpfProgram> programs;
    private final Set<String> borrowedMaps;
    private final List<BpfMap> registeredStructOps;
    private final Map<String, VariableSpec> variables;
    private final Map<String, MapSpec> mapSpecs;

    BpfCollection(Map<String, BpfMap> maps, Map<String, BpfProgram> programs, Set<String> borrowedMaps,
            List<BpfMap> registeredStructOps, Map<String, VariableSpec> variables, Map<String, MapSpec> mapSpecs) {
        this.variables = Map.copyOf(variables);
        this.mapSpecs = Map.copyOf(mapSpecs);
        this.maps = Collections.unmodifiableMap(new LinkedHashMap<>(maps));
        this.programs = Collections.unmodifiableMap(new LinkedHashMap<>(programs));
        this.borrowedMaps = Set.copyOf(borrowedMaps);
        this.registeredStructOps = List.copyOf(registeredStructOps);
    }

    /** Loads with default options. */
    public static BpfCollection load(CollectionSpec spec) {
        return load(spec, CollectionOptions.defaults());
    }

    /**
     * Creates the maps (reusing compatible pinned ones), loads the programs with every reference resolved, then
     * writes the initial contents that refer to programs or maps (program arrays, maps of maps) and the values of
     * struct_ops maps: a {@code SEC(".struct_ops")} map is registered with the kernel right away, a
     * {@code SEC(".struct_ops.link")} map when {@code Links.structOps(map)} links it. If any step fails, everything
     * created or registered so far is undone before the exception propagates.
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
                    + new java.util.TreeSet<>(variables.keySet()));
        }
        return new Variable(spec, map(spec.mapName()));
    }

    /**
     * Unregisters the struct_ops maps that loading registered, then closes programs, then maps, in reverse order of
     * creation. Everything is closed even if unregistering fails; the failure is thrown afterwards.
     */
    @Override
    public void close() {
        BpfException unregisterFailure = null;
        for (BpfMap map : registeredStructOps) {
            if (map.isClosed()) {
                continue; // closed before: the collection was closed already
            }
            try {
                unregisterStructOps(map);
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

    /**
     * Unregisters a struct_ops map that its update registered: the kernel holds such a map, and keeps the ops
     * registered, until its element is deleted, even after every descriptor is closed.
     */
    static void unregisterStructOps(BpfMap map) {
        map.delete(new byte[4]);
    }

    @Override
    public String toString() {
        return "BpfCollection[programs " + programs.keySet() + ", maps " + maps.keySet() + "]";
    }
}
