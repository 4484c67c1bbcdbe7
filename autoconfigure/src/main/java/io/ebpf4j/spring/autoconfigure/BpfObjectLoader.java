package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.BpfCollection;
import io.ebpf4j.BpfException;
import io.ebpf4j.CollectionOptions;
import io.ebpf4j.CollectionSpec;
import io.ebpf4j.MapSpec;
import io.ebpf4j.ProgramSpec;
import io.ebpf4j.ProgramType;
import io.ebpf4j.VariableSpec;
import io.ebpf4j.VerifierException;
import io.ebpf4j.btf.Spec;
import io.ebpf4j.btf.Types;
import io.ebpf4j.internal.Mounts;
import io.ebpf4j.spring.EbpfCollectionException.Stage;
import io.ebpf4j.spring.EbpfCollectionException;
import io.ebpf4j.spring.EbpfConfigurationException;
import io.ebpf4j.spring.EbpfObjectNotFoundException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The steps from an {@code ebpf.collections.<name>} entry to a loaded {@link BpfCollection}: read the object,
 * apply the configuration (program selection, constants, map overrides, pin path), load. Every failure comes out as
 * an {@link EbpfCollectionException} naming the collection, its object and the property or program at fault.
 */
final class BpfObjectLoader {
    private static final String PREFIX = "ebpf.collections.";
    private static final Log logger = LogFactory.getLog(BpfObjectLoader.class);

    private BpfObjectLoader() {}

    /** Parses the collection's object; needs no privileges. */
    static CollectionSpec read(String name, Resource object) {
        String description = object.getDescription();
        if (!object.exists()) {
            throw new EbpfObjectNotFoundException(name, description, "the BPF object " + description
                    + " (" + PREFIX + name + ".object) does not exist", neighbours(object));
        }
        try (InputStream in = object.getInputStream()) {
            return CollectionSpec.load(in);
        } catch (IOException e) {
            throw new EbpfCollectionException(name, description, null, Stage.READ, "cannot read " + description
                    + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new EbpfCollectionException(name, description, null, Stage.READ, "cannot read " + description
                    + ": " + e.getCause().getMessage(), e.getCause());
        } catch (BpfException e) {
            throw new EbpfCollectionException(name, description, null, Stage.READ, description
                    + " is not a valid BPF ELF object: " + e.getMessage(), e);
        }
    }

    /** The objects in the class path directory where a missing class path object was expected. */
    private static List<String> neighbours(Resource object) {
        if (!(object instanceof ClassPathResource)) {
            return List.of();
        }
        ClassPathResource missing = (ClassPathResource) object;
        String path = missing.getPath();
        String directory = path.contains("/") ? path.substring(0, path.lastIndexOf('/') + 1) : "";
        try {
            Resource[] found = new PathMatchingResourcePatternResolver(missing.getClassLoader())
                    .getResources("classpath*:" + directory + "*.o");
            return Arrays.stream(found).map(r -> "classpath:" + directory + r.getFilename()).distinct().sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The programs a collection loads: those its object loads by default, as switched by 'enabled'.
     *
     * @param enabled the 'enabled' setting of the programs that are configured, by name
     */
    static List<String> enabledPrograms(CollectionSpec spec, Map<String, Boolean> enabled) {
        List<String> names = new ArrayList<>();
        spec.programs().forEach((programName, program) -> {
            if (enabled.getOrDefault(programName, program.autoload())) {
                names.add(programName);
            }
        });
        return names;
    }

    /** Maps that get beans: those the object declares, not its data sections ('.rodata', '.bss', '.kconfig', ...). */
    static List<String> declaredMaps(CollectionSpec spec) {
        return spec.maps().keySet().stream().filter(mapName -> !mapName.startsWith(".")).toList();
    }

    /** Applies 'programs', 'constants' and 'map-overrides' to the spec, checking every name against the object. */
    static void configure(String name, EbpfProperties.CollectionProperties config, CollectionSpec spec) {
        String description = config.getObject().getDescription();
        for (Map.Entry<String, EbpfProperties.Program> entry : config.getPrograms().entrySet()) {
            ProgramSpec program = spec.programs().get(entry.getKey());
            if (program == null) {
                throw unknownName(name, description, "programs", entry.getKey(), "program", spec.programs().keySet());
            }
            program.autoload(entry.getValue().isEnabled());
            if (entry.getValue().getType() != null) {
                program.type(entry.getValue().getType());
            }
        }
        for (ProgramSpec program : spec.programs().values()) {
            if (program.autoload() && program.type() == ProgramType.UNSPEC) {
                throw new EbpfConfigurationException(name, description, program.name(), PREFIX + name + ".programs."
                        + program.name() + ".type", "program '" + program.name() + "' of " + description
                        + " is in section " + program.sectionName() + ", whose name libbpf does not know: set its"
                        + " program type (e.g. xdp, perf-event, sk-skb), or enabled: false", List.of(), null);
            }
        }
        for (Map.Entry<String, String> entry : config.getConstants().entrySet()) {
            VariableSpec variable = spec.variables().get(entry.getKey());
            if (variable == null) {
                throw unknownName(name, description, "constants", entry.getKey(), "global variable",
                        spec.variables().keySet());
            }
            try {
                variable.set(ConstantValues.resolve(variable, entry.getValue()));
            } catch (IllegalArgumentException e) {
                String type = variable.type() == null ? variable.size() + " bytes" : Types.describe(variable.type());
                throw new EbpfConfigurationException(name, description, null,
                        PREFIX + name + ".constants." + entry.getKey(), "cannot set global variable '"
                        + entry.getKey() + "' (" + type + ") to '" + entry.getValue() + "': " + e.getMessage(),
                        List.of(), e);
            }
        }
        for (Map.Entry<String, EbpfProperties.MapOverride> entry : config.getMapOverrides().entrySet()) {
            MapSpec map = spec.maps().get(entry.getKey());
            if (map == null) {
                throw unknownName(name, description, "map-overrides", entry.getKey(), "map", spec.maps().keySet());
            }
            if (entry.getValue().getMaxEntries() != null) {
                map.maxEntries(entry.getValue().getMaxEntries());
            }
        }
    }

    private static EbpfConfigurationException unknownName(String collection, String description, String property,
            String key, String what, Collection<String> existing) {
        List<String> names = List.copyOf(new TreeSet<>(existing));
        return new EbpfConfigurationException(collection, description, null, PREFIX + collection + "." + property
                + "." + key, description + " has no " + what + " '" + key + "'; it has "
                + (names.isEmpty() ? "none" : String.join(", ", names)), names, null);
    }

    /**
     * Checks that the pin path lies on bpffs (pins elsewhere fail with an obscure error) and creates it, so that maps
     * pinned by name are found again after a restart.
     */
    static String preparePinPath(String name, EbpfProperties.CollectionProperties config) {
        String pinPath = config.getPinPath();
        if (pinPath == null) {
            return null;
        }
        Path path = Path.of(pinPath).toAbsolutePath().normalize();
        String property = PREFIX + name + ".pin-path";
        String description = config.getObject().getDescription();
        String fsType = Mounts.fsTypeOf(path).orElse("no file system");
        if (!fsType.equals(Mounts.BPF)) {
            List<String> bpffs = Mounts.all().stream().filter(m -> m.fsType().equals(Mounts.BPF))
                    .map(m -> m.mountPoint().toString()).toList();
            throw new EbpfConfigurationException(name, description, null, property, "pin path " + path
                    + " is not on a BPF file system (it is on " + fsType + "); "
                    + (bpffs.isEmpty() ? "no bpffs is mounted: mount one with `mount -t bpf bpf /sys/fs/bpf`"
                    : "bpffs is mounted at " + String.join(", ", bpffs)), bpffs, null);
        }
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new EbpfConfigurationException(name, description, null, property, "cannot create pin path "
                    + path + ": " + e, List.of(), e);
        }
        return path.toString();
    }

    /** Creates the maps and loads the programs; everything created is closed again if a step fails. */
    static BpfCollection load(String name, EbpfProperties.CollectionProperties config, CollectionSpec spec,
            Spec kernelBtf) {
        String pinPath = preparePinPath(name, config);
        CollectionOptions options = CollectionOptions.defaults().withPinPath(pinPath).withKernelBtf(kernelBtf);
        try {
            return BpfCollection.load(spec, options);
        } catch (VerifierException e) {
            logger.debug("Verifier log of program '" + e.program() + "' of BPF collection '" + name + "':\n" + e.log());
            throw new EbpfCollectionException(name, config.getObject().getDescription(), e.program(), Stage.LOAD,
                    e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new EbpfCollectionException(name, config.getObject().getDescription(), null, Stage.LOAD,
                    e.getMessage(), e);
        }
    }
}
