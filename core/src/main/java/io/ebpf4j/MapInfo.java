package io.ebpf4j;

/** What the kernel reports about a map ({@code struct bpf_map_info}). */
public record MapInfo(
        int id,
        MapType type,
        String name,
        int keySize,
        int valueSize,
        int maxEntries,
        int flags,
        int btfId,
        int btfKeyTypeId,
        int btfValueTypeId,
        long mapExtra) {
}
