package io.ebpf4j;

import io.ebpf4j.btf.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a BPF ELF object defines — programs, maps, global variables — as editable specifications. Reading an
 * object needs no privileges and makes no syscalls; objects of either byte order can be read. Load the result with
 * {@link BpfCollection#load(CollectionSpec, CollectionOptions)}.
 *
 * <pre>{@code
 * CollectionSpec spec = CollectionSpec.load(Path.of("counter.bpf.o"));
 * spec.variables().get("target_pid").set(ProcessHandle.current().pid());
 * try (BpfCollection coll = BpfCollection.load(spec, CollectionOptions.defaults())) { ... }
 * }</pre>
 */
public final class CollectionSpec {
    private final Map<String, MapSpec> maps;
    private final Map<String, ProgramSpec> programs;
    private final Map<String, VariableSpec> variables;
    private final Map<String, ObjectReader.ExternVariable> externs;
    private final String license;
    private final int version;
    private final ByteOrder byteOrder;
    private final Spec btf;

    CollectionSpec(Map<String, MapSpec> maps, Map<String, ProgramSpec> programs, Map<String, VariableSpec> variables,
            Map<String, ObjectReader.ExternVariable> externs, String license,
            int version, ByteOrder byteOrder, Spec btf) {
        this.maps = new LinkedHashMap<>(maps);
        this.programs = new LinkedHashMap<>(programs);
        this.variables = new LinkedHashMap<>(variables);
        this.externs = new LinkedHashMap<>(externs);
        this.license = license;
        this.version = version;
        this.byteOrder = byteOrder;
        this.btf = btf;
    }

    /** Reads an ELF object file. */
    public static CollectionSpec load(Path file) {
        try {
            return load(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BPF object " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads an ELF object from a stream (read to its end, not closed). */
    public static CollectionSpec load(InputStream in) {
        try {
            return load(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BPF object: " + e.getMessage(), e);
        }
    }

    /**
     * Reads an ELF object from memory.
     *
     * @throws ElfFormatException if the bytes are not a well-formed BPF object
     * @throws BtfFormatException if its BTF is malformed
     */
    public static CollectionSpec load(byte[] elf) {
        return load(elf, SectionResolver.NONE);
    }

    /**
     * Reads an ELF object from memory, asking {@code resolver} first what each program section means (see
     * {@link SectionResolver}). Programs in sections neither knows are read with type {@link ProgramType#UNSPEC}:
     * set their type before loading them.
     *
     * @throws ElfFormatException if the bytes are not a well-formed BPF object
     * @throws BtfFormatException if its BTF is malformed
     */
    public static CollectionSpec load(byte[] elf, SectionResolver resolver) {
        return ObjectReader.read(elf, resolver);
    }

    /** Maps by name, in definition order; editable (e.g. {@code maps().get("events").maxEntries(1 << 20)}). */
    public Map<String, MapSpec> maps() {
        return maps;
    }

    /** Programs by function name, in section order; editable. {@code .text} subprograms are linked in, not listed. */
    public Map<String, ProgramSpec> programs() {
        return programs;
    }

    /** Global variables by name; set them before loading. */
    public Map<String, VariableSpec> variables() {
        return Collections.unmodifiableMap(variables);
    }

    public String license() {
        return license;
    }

    /** The {@code version} section ({@code LINUX_VERSION_CODE} for old kprobe programs), or 0. */
    public int version() {
        return version;
    }

    /** The byte order the object was compiled for; only objects in the machine's order can be loaded. */
    public ByteOrder byteOrder() {
        return byteOrder;
    }

    /** The object's BTF, if it was compiled with {@code -g}. */
    public Optional<Spec> btf() {
        return Optional.ofNullable(btf);
    }

    /** kconfig and ksym externs the loader fills in, by name. */
    Map<String, ObjectReader.ExternVariable> externs() {
        return externs;
    }

    /** An independent copy: maps, programs and variable values can be changed without affecting this spec. */
    public CollectionSpec copy() {
        Map<String, MapSpec> mapCopies = new LinkedHashMap<>();
        maps.forEach((name, spec) -> mapCopies.put(name, spec.copy()));
        Map<String, ProgramSpec> programCopies = new LinkedHashMap<>();
        programs.forEach((name, spec) -> programCopies.put(name, spec.copy()));
        Map<String, VariableSpec> variableCopies = new LinkedHashMap<>();
        variables.forEach((name, v) -> variableCopies.put(name, v.copyOnto(mapCopies.get(v.mapName()))));
        return new CollectionSpec(mapCopies, programCopies, variableCopies, externs, license, version, byteOrder,
                btf);
    }

    @Override
    public String toString() {
        return "CollectionSpec[" + programs.size() + " programs " + programs.keySet() + ", " + maps.size() + " maps "
                + maps.keySet() + ", " + byteOrder + "]";
    }
}
