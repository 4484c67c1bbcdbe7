package io.ebpf4j.codegen;

import io.ebpf4j.CollectionSpec;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.ProgramSpec;
import io.ebpf4j.VariableSpec;
import io.ebpf4j.btf.Composite;
import io.ebpf4j.btf.Enumeration;
import io.ebpf4j.btf.Pointer;
import io.ebpf4j.btf.Spec;
import io.ebpf4j.btf.Type;
import io.ebpf4j.btf.Types;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Generates Java for one BPF object, as {@code bpf2go} and {@code bpftool gen skeleton} do for Go and C: a class
 * {@code XxxObjects} (from {@code xxx.bpf.o}) holding
 * <ul>
 *   <li>a record for every struct and union used by a map key or value, by a global variable, or named with
 *       {@link #withTypes} (ring buffer events are not reachable from maps), and a Java enum for every enum; each
 *       has a {@code CODEC} following the BTF layout byte for byte;</li>
 *   <li>typed accessors for maps ({@code TypedMap}), programs and global variables;</li>
 *   <li>a nested {@code Spec} with typed setters for global variables (the {@code .rodata} constants the verifier
 *       sees) and {@code load()}, then {@code attach()} and {@code close()}.</li>
 * </ul>
 * The object itself is read from the class path at run time (see {@link #withResource}).
 */
public final class Generator {
    /** Map types whose keys and values user space reads and writes as data. */
    private static final Set<MapType> TYPED_MAPS = EnumSet.of(MapType.HASH, MapType.ARRAY, MapType.PERCPU_HASH,
            MapType.PERCPU_ARRAY, MapType.LRU_HASH, MapType.LRU_PERCPU_HASH, MapType.LPM_TRIE);
    /** Names the generated class uses for itself. */
    private static final Set<String> RESERVED_METHODS = Set.of("spec", "of", "collection", "attach", "close",
            "links", "hashCode", "equals", "toString", "getClass", "notify", "notifyAll", "wait", "clone", "finalize");
    private static final Set<String> RESERVED_TYPES = Set.of("Spec", "Decoder", "Encoder", "Codec", "Objects",
            "String", "Integer", "Long", "Short", "Byte", "Boolean", "Float", "Double", "Override", "Record", "Enum");

    private final String packageName;
    private final Set<String> types;
    private final String resource;

    private Generator(String packageName, Set<String> types, String resource) {
        this.packageName = Objects.requireNonNull(packageName, "packageName");
        this.types = types;
        this.resource = resource;
    }

    /** A generator writing classes into {@code packageName}. */
    public static Generator forPackage(String packageName) {
        return new Generator(packageName, Set.of(), null);
    }

    /** Also generates these structs, unions or enums (C names, without {@code struct}), like bpf2go's {@code -type}. */
    public Generator withTypes(Set<String> typeNames) {
        return new Generator(packageName, Set.copyOf(typeNames), resource);
    }

    /** Where the object is on the class path at run time; by default {@code bpf/<object file name>}. */
    public Generator withResource(String resourcePath) {
        return new Generator(packageName, types, resourcePath);
    }

    /** Reads {@code object} and writes {@code XxxObjects.java} under {@code sourceRoot}, returning the file. */
    public Path generate(Path object, Path sourceRoot) {
        GeneratedSource source = generate(object.getFileName().toString(), CollectionSpec.load(object));
        return source.writeTo(sourceRoot);
    }

    /** The source for the object called {@code objectFileName} (e.g. {@code counter.bpf.o}). */
    public GeneratedSource generate(String objectFileName, CollectionSpec spec) {
        String stem = objectFileName.replaceFirst("(\\.bpf)?\\.o$", "");
        String className = Names.type(stem) + "Objects";
        String resourcePath = resource != null ? resource : "bpf/" + objectFileName;
        Set<String> reservedTypes = new HashSet<>(RESERVED_TYPES);
        reservedTypes.add(className);
        TypeModel model = new TypeModel(reservedTypes);
        Members members = new Members();

        List<MapAccessor> maps = new ArrayList<>();
        for (MapSpec map : spec.maps().values()) {
            if (map.name().startsWith(".") || !Names.isIdentifierLike(map.name())) {
                continue; // data sections: their variables get accessors of their own
            }
            String method = members.name(map.name(), "Map");
            MapAccessor accessor = new MapAccessor(map.name(), method, null, 0, null, 0);
            if (TYPED_MAPS.contains(map.type()) && map.keyType() != null && map.valueType() != null) {
                String context = Names.type(map.name());
                try {
                    accessor = new MapAccessor(map.name(), method, model.javaType(map.keyType(), context + "Key"),
                            map.keySize(), model.javaType(map.valueType(), context + "Value"), map.valueSize());
                } catch (IllegalArgumentException e) {
                    // A key or value with no data layout (a function pointer, say): the plain map still works.
                }
            }
            maps.add(accessor);
        }
        Map<String, String> programs = new LinkedHashMap<>();
        for (ProgramSpec program : spec.programs().values()) {
            programs.put(program.name(), members.name(program.name(), "Program"));
        }
        List<VariableAccessor> variables = new ArrayList<>();
        for (VariableSpec variable : spec.variables().values()) {
            if (variable.type() == null || !Names.isIdentifierLike(variable.name())
                    || Types.underlying(variable.type()) instanceof Pointer) {
                continue; // a pointer means nothing to user space (globals like this pull types into BTF)
            }
            String getter = members.name(variable.name(), "Variable");
            JavaType type;
            try {
                type = model.javaType(variable.type(), Names.type(variable.name()));
            } catch (IllegalArgumentException e) {
                continue; // e.g. a function pointer: nothing to read or write as data
            }
            variables.add(new VariableAccessor(variable.name(), getter, type, variable.mapName(), variable.offset(),
                    variable.size(), variable.isConstant()));
        }
        Spec btf = spec.btf().orElse(null);
        for (String name : types) {
            if (btf == null) {
                throw new IllegalArgumentException("type '" + name + "' requested, but the object has no BTF (compile "
                        + "with -g)");
            }
            Type type = btf.typesByName(name).stream()
                    .filter(t -> t instanceof Composite || t instanceof Enumeration).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("type '" + name + "' requested, but the object "
                            + "has no struct, union or enum of that name in its BTF. clang emits BTF only for the "
                            + "types of maps, globals and function signatures: reference it from one, e.g. 'struct "
                            + name + " *unused_" + name + " __attribute__((unused));'"));
            model.javaType(type, Names.type(name));
        }
        String source = new ObjectsWriter(packageName, className, objectFileName, resourcePath, model, maps, programs,
                variables).write();
        return new GeneratedSource(packageName, className, source);
    }

    /** A map of the object: typed when its BTF key and value are known, else the plain {@code BpfMap}. */
    record MapAccessor(String name, String method, JavaType key, int keySize, JavaType value, int valueSize) {
        boolean typed() {
            return key != null;
        }
    }

    record VariableAccessor(String name, String method, JavaType type, String section, int offset, int size,
            boolean constant) {}

    /** Method names of the generated class: the C name in camel case, with a kind suffix when taken. */
    private static final class Members {
        private final Set<String> used = new LinkedHashSet<>(RESERVED_METHODS);

        String name(String cName, String suffix) {
            String name = Names.member(cName);
            if (!used.add(name)) {
                name = name + suffix;
                for (int i = 2; !used.add(name); i++) {
                    name = Names.member(cName) + suffix + i;
                }
            }
            used.add("set" + Character.toUpperCase(name.charAt(0)) + name.substring(1));
            return name;
        }
    }

    /** One generated compilation unit. */
    public record GeneratedSource(String packageName, String className, String source) {
        /**
         * Writes the file under {@code sourceRoot} in its package directory, returning its path. An identical file is
         * left untouched, so incremental compilers see nothing changed.
         */
        public Path writeTo(Path sourceRoot) {
            Path dir = packageName.isEmpty() ? sourceRoot : sourceRoot.resolve(packageName.replace('.', '/'));
            Path file = dir.resolve(className + ".java");
            try {
                if (Files.exists(file) && Files.readString(file).equals(source)) {
                    return file;
                }
                Files.createDirectories(dir);
                Files.writeString(file, source);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
            return file;
        }
    }
}
