package io.ebpf4j.spring.actuate;

import io.ebpf4j.BatchCursor;
import io.ebpf4j.BpfCollection;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.MapInfo;
import io.ebpf4j.MapIterator;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.ProgramInfo;
import io.ebpf4j.ProgramSpec;
import io.ebpf4j.UpdateFlags;
import io.ebpf4j.btf.Type;
import io.ebpf4j.btf.Types;
import io.ebpf4j.features.Features;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.ManagedCollection;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The {@code ebpf} Actuator endpoint: what the application loaded into the kernel, and the contents of its maps.
 *
 * <ul>
 *   <li>{@code GET /actuator/ebpf}: every collection with its status and failure, its programs (type, kernel id,
 *       tag, attachments, run count and time) and maps (type, sizes, entries, kernel id, pin path);
 *   <li>{@code GET /actuator/ebpf/{collection}/{map}?limit=&offset=}: map entries, keys and values decoded through
 *       the object's BTF (struct members by name, enums by name, char arrays as text, one value per CPU for per-CPU
 *       maps), raw hex alongside and for maps without BTF;
 *   <li>{@code POST /actuator/ebpf/{collection}/{map}} with {@code key} and {@code value}: writes an entry;
 *       {@code DELETE /actuator/ebpf/{collection}/{map}?key=}: deletes an entry, or without {@code key} clears the
 *       map (arrays are zeroed).
 * </ul>
 *
 * <p><b>Security.</b> Read-only by default ({@code defaultAccess = READ_ONLY}): the write and delete operations exist
 * only with {@code management.endpoint.ebpf.access=unrestricted}, this endpoint's own property (Boot's
 * {@code management.endpoints.access.default} does not open them, see {@link EbpfEndpointAutoConfiguration}). Like
 * every endpoint but health it is not exposed over HTTP until listed in
 * {@code management.endpoints.web.exposure.include}. Paths select collections and maps by name among those configured;
 * no parameter reaches the file system. Map contents can hold kernel addresses, process ids and other sensitive data:
 * expose the endpoint only behind authentication. A listing returns at most {@value #MAX_LIMIT} entries.
 */
@Endpoint(id = "ebpf", defaultAccess = Access.READ_ONLY)
public class EbpfEndpoint {
    static final EndpointId ID = EndpointId.of("ebpf");
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;
    /** Map types whose entries can be listed from user space. */
    private static final Set<MapType> LISTABLE = EnumSet.of(MapType.HASH, MapType.ARRAY, MapType.PERCPU_HASH,
            MapType.PERCPU_ARRAY, MapType.LRU_HASH, MapType.LRU_PERCPU_HASH, MapType.LPM_TRIE, MapType.STACK_TRACE,
            MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS, MapType.PROG_ARRAY);

    private final EbpfCollections collections;

    public EbpfEndpoint(EbpfCollections collections) {
        this.collections = collections;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Summary

    @ReadOperation
    public EbpfDescriptor collections() {
        Map<String, CollectionDescriptor> out = new LinkedHashMap<>();
        for (ManagedCollection managed : collections.all()) {
            out.put(managed.name(), describe(managed));
        }
        return new EbpfDescriptor(out);
    }

    private CollectionDescriptor describe(ManagedCollection managed) {
        BpfCollection loaded = managed.collection();
        Map<String, ProgramDescriptor> programs = new LinkedHashMap<>();
        for (ManagedCollection.ProgramState state : managed.programs()) {
            BpfProgram program = loaded == null ? null : loaded.programs().get(state.name());
            ProgramSpec spec = managed.spec() == null ? null : managed.spec().programs().get(state.name());
            ProgramInfo info = info(program);
            programs.put(state.name(), new ProgramDescriptor(
                    program != null ? program.type().toString() : spec != null ? spec.type().toString() : null,
                    spec != null ? spec.sectionName() : null,
                    info != null ? info.id() : null, info != null ? info.tag() : null, state.attach(),
                    state.required(), state.attached(), state.links(),
                    info != null ? info.runCount() : null, info != null ? info.runTimeNs() : null,
                    message(state.failure())));
        }
        Map<String, MapDescriptor> maps = new LinkedHashMap<>();
        if (managed.spec() != null) {
            for (Map.Entry<String, MapSpec> entry : managed.spec().maps().entrySet()) {
                MapSpec spec = entry.getValue();
                BpfMap map = loaded == null ? null : loaded.maps().get(entry.getKey());
                MapInfo info = mapInfo(map);
                maps.put(entry.getKey(), new MapDescriptor(spec.type().toString(), spec.keySize(),
                        spec.valueSize(), map != null ? map.maxEntries() : spec.maxEntries(),
                        map != null ? entries(map) : null, info != null ? info.id() : null,
                        map != null ? map.pinnedPath().orElse(null) : null,
                        spec.keyType() != null ? Types.describe(spec.keyType()) : null,
                        spec.valueType() != null ? Types.describe(spec.valueType()) : null));
            }
        }
        return new CollectionDescriptor(managed.status().toString(), message(managed.failure()), programs, maps);
    }

    private static ProgramInfo info(BpfProgram program) {
        try {
            return program == null || program.isClosed() ? null : program.info();
        } catch (BpfException e) {
            return null;
        }
    }

    private static MapInfo mapInfo(BpfMap map) {
        try {
            return map == null || map.isClosed() ? null : map.info();
        } catch (BpfException e) {
            return null;
        }
    }

    /** Entries of a listable map (arrays: their size), counted with batch lookups where possible. */
    private static Integer entries(BpfMap map) {
        if (map.isClosed() || !LISTABLE.contains(map.type())) {
            return null;
        }
        if (map.type().isArrayLike()) {
            return map.maxEntries();
        }
        try {
            int[] count = new int[1];
            map.forEach(map.batchCursor(Math.max(1, Math.min(map.maxEntries(), 1024))), e -> count[0]++);
            return count[0];
        } catch (BpfException e) {
            return null;
        }
    }

    private static String message(Throwable failure) {
        return failure == null ? null : failure.getMessage();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Map contents

    /**
     * Up to {@code limit} entries of a map (default {@value #DEFAULT_LIMIT}), after skipping {@code offset}, in
     * the kernel's iteration order; {@code null} (404) for unknown collections and maps.
     */
    @ReadOperation
    public MapContents map(@Selector String collection, @Selector String map, @Nullable Integer limit,
            @Nullable Integer offset) {
        Target target = target(collection, map);
        if (target == null) {
            return null;
        }
        int max = limit == null ? DEFAULT_LIMIT : limit;
        int skip = offset == null ? 0 : offset;
        if (max < 0 || max > MAX_LIMIT || skip < 0) {
            throw new InvalidEndpointRequestException("limit must be 0.." + MAX_LIMIT + " and offset positive",
                    "bad limit or offset");
        }
        BpfMap bpfMap = target.map;
        if (!LISTABLE.contains(bpfMap.type())) {
            throw new InvalidEndpointRequestException("map '" + map + "' is a " + bpfMap.type()
                    + " map, whose entries cannot be listed", "map type cannot be listed");
        }
        Type keyType = target.spec.keyType();
        Type valueType = bpfMap.type().holdsFileDescriptors() ? null : target.spec.valueType();
        List<Map<String, Object>> entries = new ArrayList<>();
        boolean more;
        try {
            more = page(bpfMap, skip, max, (key, value) -> entries.add(entry(bpfMap, keyType, valueType, key, value)));
        } catch (BpfException e) {
            throw new InvalidEndpointRequestException("cannot read map '" + map + "': " + e.getMessage(),
                    "map cannot be read", e);
        }
        return new MapContents(collection, map, bpfMap.type().toString(),
                keyType != null ? Types.describe(keyType) : null, valueType != null ? Types.describe(valueType) : null,
                bpfMap.type().isPerCpu(), skip, entries.size(), more, entries);
    }

    /**
     * Passes entries {@code skip} to {@code skip + max - 1} of the map (in the kernel's order) to {@code page}, read
     * with batch lookups where the kernel has them (one syscall per batch), the key iterator otherwise; stops as
     * soon as it knows whether more entries follow.
     *
     * @return whether the map has entries after the page
     */
    private static boolean page(BpfMap map, int skip, int max, BiConsumer<byte[], byte[]> page) {
        byte[] key = new byte[map.keySize()];
        byte[] value = new byte[map.valueBufferSize()];
        long wanted = (long) skip + max + 1;
        int index = 0;
        if (Features.hasBatchOperations(map.type())) {
            BatchCursor cursor = map.batchCursor((int) Math.max(1, Math.min(Math.min(wanted, 4096),
                    map.maxEntries())));
            while (map.batchLookup(cursor)) {
                for (int i = 0; i < cursor.count(); i++, index++) {
                    if (index >= skip + max) {
                        return true;
                    }
                    if (index >= skip) {
                        cursor.keys().get(cursor.keyOffset(i), key);
                        cursor.values().get(cursor.valueOffset(i), value);
                        page.accept(key, value);
                    }
                }
            }
            return false;
        }
        MapIterator it = map.iterator();
        while (it.next(key, value)) {
            if (index >= skip + max) {
                return true;
            }
            if (index++ >= skip) {
                page.accept(key, value);
            }
        }
        return false;
    }

    private static Map<String, Object> entry(BpfMap map, Type keyType, Type valueType, byte[] key, byte[] value) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("key", keyType != null ? BtfValues.decode(keyType, key, 0) : BtfValues.hex(key, 0, key.length));
        if (map.type().isPerCpu()) {
            int stride = (map.valueSize() + 7) & ~7;
            List<Object> perCpu = new ArrayList<>(BpfMap.possibleCpus());
            for (int cpu = 0; cpu < BpfMap.possibleCpus(); cpu++) {
                perCpu.add(valueType != null ? BtfValues.decode(valueType, value, cpu * stride)
                        : BtfValues.hex(value, cpu * stride, map.valueSize()));
            }
            entry.put("values", perCpu);
        } else {
            entry.put("value", valueType != null ? BtfValues.decode(valueType, value, 0)
                    : BtfValues.hex(value, 0, value.length));
        }
        entry.put("rawKey", "0x" + BtfValues.hex(key, 0, key.length)); // as writes take bytes: never a number
        return entry;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writes: only with management.endpoint.ebpf.access=unrestricted

    /**
     * Creates or replaces an entry. {@code key} and {@code value} are bytes as {@code rawKey} shows them
     * ({@code 0x...}), decimal numbers that must fit, JSON text of a struct or array as a GET shows it, or
     * enumerator names (see {@link MapBytes}). For a per-CPU map one value is written to every CPU.
     */
    @WriteOperation
    public WriteResult update(@Selector String collection, @Selector String map, Object key, Object value) {
        Target target = require(collection, map);
        byte[] keyBytes = MapBytes.parse("key", key, target.spec.keyType(), target.map.keySize());
        byte[] valueBytes = MapBytes.perCpu(MapBytes.parse("value", value, target.spec.valueType(),
                target.map.valueSize()), target.map);
        try {
            target.map.update(keyBytes, valueBytes, UpdateFlags.ANY);
        } catch (BpfException e) {
            throw new InvalidEndpointRequestException(e.getMessage(), "update failed", e);
        }
        return new WriteResult(collection, map, "updated", 1);
    }

    /** Deletes the entry {@code key} (as for {@link #update}), or every entry when no key is given. */
    @DeleteOperation
    public WriteResult delete(@Selector String collection, @Selector String map, @Nullable String key) {
        Target target = require(collection, map);
        BpfMap bpfMap = target.map;
        try {
            if (key != null) {
                boolean deleted = bpfMap.delete(MapBytes.parse("key", key, target.spec.keyType(), bpfMap.keySize()));
                return new WriteResult(collection, map, deleted ? "deleted" : "absent", deleted ? 1 : 0);
            }
            return new WriteResult(collection, map, bpfMap.type().isArrayLike() ? "zeroed" : "cleared",
                    MapBytes.clear(bpfMap));
        } catch (BpfException e) {
            throw new InvalidEndpointRequestException(e.getMessage(), "delete failed", e);
        }
    }

    /** The map to write: known, and holding data (not file descriptors of programs or maps). */
    private Target require(String collection, String map) {
        Target target = target(collection, map);
        if (target == null) {
            throw new InvalidEndpointRequestException("no map '" + map + "' in a loaded collection '" + collection
                    + "'", "unknown map");
        }
        if (target.map.type().holdsFileDescriptors() || !LISTABLE.contains(target.map.type())) {
            throw new InvalidEndpointRequestException("map '" + map + "' is a " + target.map.type()
                    + " map; the endpoint writes data maps only", "map type cannot be written");
        }
        return target;
    }

    private record Target(BpfMap map, MapSpec spec) {}

    /** Whether {@code map} is a map of the loaded collection {@code collection}. */
    boolean exists(String collection, String map) {
        return target(collection, map) != null;
    }

    private Target target(String collection, String map) {
        ManagedCollection managed = collections.get(collection).orElse(null);
        if (managed == null || managed.collection() == null || managed.spec() == null) {
            return null;
        }
        BpfMap bpfMap = managed.collection().maps().get(map);
        MapSpec spec = managed.spec().maps().get(map);
        return bpfMap == null || spec == null || bpfMap.isClosed() ? null : new Target(bpfMap, spec);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Response bodies

    /** All collections, by name. */
    public record EbpfDescriptor(Map<String, CollectionDescriptor> collections) implements OperationResponseBody {}

    /**
     * One collection.
     *
     * @param status LOADED, ATTACHED, FAILED or CLOSED
     * @param failure why it failed, if it did
     */
    public record CollectionDescriptor(String status, String failure, Map<String, ProgramDescriptor> programs,
            Map<String, MapDescriptor> maps) {}

    /**
     * One program.
     *
     * @param attach how it is attached ('none' for load-only programs)
     * @param links its attachments
     * @param runCount runs counted by the kernel while BPF statistics are enabled
     * @param runTimeNs their total run time
     * @param failure why attaching failed, if it did
     */
    public record ProgramDescriptor(String type, String section, Integer id, String tag, String attach,
            boolean required, boolean attached, List<String> links, Long runCount, Long runTimeNs, String failure) {}

    /**
     * One map.
     *
     * @param entries entries now (arrays: their size), for map types that can be listed
     * @param keyType the BTF key type in C notation
     * @param valueType the BTF value type in C notation
     */
    public record MapDescriptor(String type, int keySize, int valueSize, int maxEntries, Integer entries, Integer id,
            String pinPath, String keyType, String valueType) {}

    /**
     * A page of map entries: each has {@code key}, {@code value} (or {@code values}, one per CPU) and
     * {@code rawKey}, the key's bytes in hex for writes and deletes.
     *
     * @param more whether entries follow this page
     */
    public record MapContents(String collection, String map, String type, String keyType, String valueType,
            boolean perCpu, int offset, int returned, boolean more, List<Map<String, Object>> entries)
            implements OperationResponseBody {}

    /** What a write or delete did. */
    public record WriteResult(String collection, String map, String result, int entries)
            implements OperationResponseBody {}
}
