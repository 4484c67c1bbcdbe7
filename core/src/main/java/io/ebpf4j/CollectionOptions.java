package io.ebpf4j;

import io.ebpf4j.btf.Spec;

import java.util.Map;
import java.util.Objects;

/**
 * How a collection is loaded.
 *
 * @param pinPath directory in bpffs where maps marked {@link Pinning#BY_NAME} are pinned and found again, or
 *     {@code null} for libbpf's default, {@code /sys/fs/bpf}
 * @param programs how each program is loaded (verifier log level and size)
 * @param mapReplacements existing maps to use instead of creating the map of the same name (checked for
 *     compatibility); the collection does not close them
 * @param kernelBtf BTF of the running kernel, for kernels without {@code /sys/kernel/btf/vmlinux}; {@code null} to
 *     use the kernel's own
 */
public record CollectionOptions(String pinPath, ProgramOptions programs, Map<String, BpfMap> mapReplacements,
        Spec kernelBtf) {
    public CollectionOptions {
        Objects.requireNonNull(programs, "programs");
        mapReplacements = Map.copyOf(mapReplacements);
    }

    public static CollectionOptions defaults() {
        return new CollectionOptions(null, ProgramOptions.defaults(), Map.of(), null);
    }

    public CollectionOptions withPinPath(String pinPath) {
        return new CollectionOptions(pinPath, programs, mapReplacements, kernelBtf);
    }

    public CollectionOptions withPrograms(ProgramOptions programs) {
        return new CollectionOptions(pinPath, programs, mapReplacements, kernelBtf);
    }

    public CollectionOptions withMapReplacements(Map<String, BpfMap> mapReplacements) {
        return new CollectionOptions(pinPath, programs, mapReplacements, kernelBtf);
    }

    public CollectionOptions withKernelBtf(Spec kernelBtf) {
        return new CollectionOptions(pinPath, programs, mapReplacements, kernelBtf);
    }
}
