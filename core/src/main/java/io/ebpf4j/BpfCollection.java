package io.ebpf4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The maps and programs of a {@link CollectionSpec}, loaded into the kernel. {@link #close()} closes the programs,
 * then the maps (maps passed in as replacements belong to the caller and stay open).
 */
public final class BpfCollection implements AutoCloseable {
    private final Map<String, BpfMap> maps;
    private final Map<String, BpfProgram> programs;
    private final Set<String> borrowedMaps;
    private final Map<String, VariableSpec> variables;
    private final Map<String, MapSpec> mapSpecs;

    BpfCollection(Map<String, BpfMap> maps, Map<String, BpfProgram> programs, Set<String> borrowedMaps,
            Map<String, VariableSpec> variables, Map<String, MapSpec> mapSpecs) {
        this.variables = Map.copyOf(variables);
        this.mapSpecs = Map.copyOf(mapSpecs);
        this.maps = Collections.unmodifiableMap(new LinkedHashMap<>(maps));
        this.programs = Collections.unmodifiableMap(new LinkedHashMap<>(programs));
        this.borrowedMaps = Set.copyOf(borrowedMaps);
    }

    /** Loads with default options. */
    public static BpfCollection load(CollectionSpec spec) {
        return load(spec, CollectionOptions.defaults());
    }

    /**
     * Creates the maps (reusing compatible pinned ones), loads the programs with every reference resolved, then
     * writes the initial contents that refer to programs or maps (program arrays, maps of maps). If any step fails,
     * everything created so far is closed before the exception propagates.
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
     * A typed view of map {@code name}. Records are laid out by the map's BTF key/value types (see
     * {@link Codecs#record}); {@code Integer}, {@code Long}, {@code Short}, {@code Byte}, {@code String} and
     * {@code byte[]} map keys and values of their size.
     */
    public <K, V> TypedMap<K, V> typedMap(String name, Class<K> keyType, Class<V> valueType) {
        BpfMap map = map(name);
        MapSpec spec = mapSpecs.get(name);
        Codec<K> keys = Codecs.of(keyType, map.keySize(), spec == null ? null : spec.keyType(),
                "the key of map '" + name + "'");
        Codec<V> values = Codecs.of(valueType, map.valueSize(), spec == null ? null : spec.valueType(),
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

    /** Closes programs, then maps, in reverse order of creation. */
    @Override
    public void close() {
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
    }

    @Override
    public String toString() {
        return "BpfCollection[programs " + programs.keySet() + ", maps " + maps.keySet() + "]";
    }
}
