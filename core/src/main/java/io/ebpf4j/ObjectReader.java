package io.ebpf4j;

import io.ebpf4j.asm.Instruction;
import io.ebpf4j.asm.Instructions;
import io.ebpf4j.asm.Register;
import io.ebpf4j.btf.Array;
import io.ebpf4j.btf.CoreRelocation;
import io.ebpf4j.btf.Datasec;
import io.ebpf4j.btf.ExtInfo;
import io.ebpf4j.btf.Func;
import io.ebpf4j.btf.FuncInfo;
import io.ebpf4j.btf.FuncProto;
import io.ebpf4j.btf.Int;
import io.ebpf4j.btf.Kind;
import io.ebpf4j.btf.LineInfo;
import io.ebpf4j.btf.Linkage;
import io.ebpf4j.btf.Member;
import io.ebpf4j.btf.Param;
import io.ebpf4j.btf.Pointer;
import io.ebpf4j.btf.Spec;
import io.ebpf4j.btf.Struct;
import io.ebpf4j.btf.Type;
import io.ebpf4j.btf.Types;
import io.ebpf4j.btf.Var;
import io.ebpf4j.btf.VarSecinfo;
import io.ebpf4j.internal.elf.ElfFile;
import io.ebpf4j.internal.elf.Relocation;
import io.ebpf4j.internal.elf.Section;
import io.ebpf4j.internal.elf.SectionDefinitions;
import io.ebpf4j.internal.elf.Symbol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a clang-compiled BPF ELF object into a {@link CollectionSpec}, following libbpf's conventions: programs by
 * section name, BTF-defined and legacy maps, data sections as array maps, relocations as symbolic references that
 * the loader resolves. Reads only the given bytes: no syscalls, either byte order.
 */
final class ObjectReader {
    private static final String TEXT = ".text";
    private static final String BTF_MAPS = ".maps";
    private static final String LEGACY_MAPS = "maps";
    static final String KCONFIG = ".kconfig";
    static final String KSYMS = ".ksyms";
    private static final String STRUCT_OPS = ".struct_ops";
    private static final String STRUCT_OPS_LINK = ".struct_ops.link";
    private static final int LEGACY_MAP_DEF_SIZE = 20;

    private final ElfFile elf;
    private final SectionResolver resolver;
    private final ByteOrder order;
    private final Spec btf;
    private final ExtInfo ext;
    private final Map<Integer, List<Symbol>> symbolsBySection = new HashMap<>();
    /** Maps by the (section index, offset) of their definition, for relocations. */
    private final Map<Integer, TreeMap<Long, String>> mapsBySection = new HashMap<>();
    /** Data sections (their map names) by section index. */
    private final Map<Integer, String> dataSections = new HashMap<>();
    private final Map<String, MapSpec> maps = new LinkedHashMap<>();
    private final Map<String, VariableSpec> variables = new LinkedHashMap<>();
    private final Map<String, ExternVariable> externs = new LinkedHashMap<>();
    /** Function names by symbol index, where they differ from the symbol's: see {@link #nameFunctions()}. */
    private final Map<Integer, String> renamedFunctions = new HashMap<>();

    /** Where in a program section a function starts, and its instructions with references resolved to names. */
    private record Function(String name, Section section, long offset, boolean isProgram, Instructions code)
            implements Linker.Function {}

    /** A kconfig or ksym extern: where the loader writes its value. */
    record ExternVariable(String name, String section, int offset, int size, Type type, boolean weak) {}

    private ObjectReader(ElfFile elf, SectionResolver resolver) {
        this.elf = elf;
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.order = elf.byteOrder();
        Optional<Section> btfSection = elf.section(".BTF");
        this.btf = btfSection.map(s -> Spec.parse(bytes(s))).orElse(null);
        Optional<Section> extSection = elf.section(".BTF.ext");
        this.ext = btf != null && extSection.isPresent()
                ? ExtInfo.parse(bytes(extSection.get()), order, btf) : null;
        for (Symbol symbol : elf.symbols()) {
            if (symbol.isDefinedInSection()) {
                symbolsBySection.computeIfAbsent(symbol.sectionIndex(), k -> new ArrayList<>()).add(symbol);
            }
        }
        for (List<Symbol> symbols : symbolsBySection.values()) {
            symbols.sort(Comparator.comparingLong(Symbol::value));
        }
        if (btf != null) {
            fixupDatasecs();
        }
        nameFunctions();
    }

    /**
     * Static functions of a statically linked object ({@code bpftool gen object}) may share a name, one per input
     * object. libbpf tells functions apart by section and offset; this reader refers to them by name, so the second
     * and later static functions of a name are called {@code name#2}, {@code name#3}, ... Global functions are unique
     * (the linker resolved them) and keep their names, as do programs.
     */
    private void nameFunctions() {
        Set<String> taken = new HashSet<>();
        List<Symbol> statics = new ArrayList<>();
        for (Symbol symbol : elf.symbols()) {
            if (symbol.isFunction() && symbol.isDefinedInSection()) {
                if (symbol.isLocal()) {
                    statics.add(symbol);
                } else {
                    taken.add(symbol.name());
                }
            }
        }
        for (Symbol symbol : statics) {
            String name = symbol.name();
            for (int n = 2; !taken.add(name); n++) {
                name = symbol.name() + "#" + n;
            }
            if (!name.equals(symbol.name())) {
                renamedFunctions.put(symbol.index(), name);
            }
        }
    }

    private String functionName(Symbol function) {
        return renamedFunctions.getOrDefault(function.index(), function.name());
    }

    /**
     * clang leaves the sizes of DATASECs and the offsets of their variables at 0; the ELF section and symbol tables
     * have the real values (libbpf fills them in the same way before loading BTF). The static linker fills them in
     * itself, and there names need not be unique (two inputs' static variables): like libbpf, a DATASEC that has a
     * size is left as it is.
     */
    private void fixupDatasecs() {
        btf.typeIds().filter(id -> btf.kindOf(id) == Kind.DATASEC).forEach(id -> {
            Datasec datasec = (Datasec) btf.typeById(id);
            Optional<Section> section = elf.section(datasec.name());
            if (section.isEmpty() || datasec.size() != 0) {
                return; // .kconfig and .ksyms: laid out by readExterns; linked objects: laid out by the linker
            }
            if (section.get().size() > Integer.MAX_VALUE) {
                throw new ElfFormatException("section " + datasec.name() + " is too large", section.get().offset());
            }
            datasec.setSize((int) section.get().size());
            List<Symbol> symbols = symbolsBySection.getOrDefault(section.get().index(), List.of());
            List<VarSecinfo> vars = datasec.vars();
            for (int i = 0; i < vars.size(); i++) {
                VarSecinfo info = vars.get(i);
                String name = info.type().name();
                Symbol symbol = symbols.stream().filter(sym -> sym.name().equals(name)).findFirst()
                        .orElseThrow(() -> new ElfFormatException("BTF variable '" + name + "' of " + datasec.name()
                                + " has no symbol in the ELF symbol table"));
                if (symbol.value() + info.size() > section.get().size()) {
                    throw new ElfFormatException("symbol '" + name + "' lies outside section " + datasec.name(),
                            section.get().offset());
                }
                vars.set(i, new VarSecinfo(info.type(), (int) symbol.value(), info.size()));
            }
        });
    }

    static CollectionSpec read(byte[] data, SectionResolver resolver) {
        ElfFile elf = ElfFile.parse(data);
        if (elf.machine() != ElfFile.EM_BPF) {
            throw new ElfFormatException("not a BPF object: ELF machine is " + elf.machine() + ", BPF is "
                    + ElfFile.EM_BPF + " (compile with clang -target bpf)", 18);
        }
        if (elf.type() != ElfFile.ET_REL) {
            throw new ElfFormatException("not a relocatable BPF object: ELF type is " + elf.type()
                    + " (expected ET_REL, as clang -c produces)", 16);
        }
        return new ObjectReader(elf, resolver).read();
    }

    private CollectionSpec read() {
        String license = elf.section("license").map(s -> cString(bytes(s))).orElse("");
        int version = elf.section("version").filter(s -> s.size() == 4)
                .map(s -> elf.data(s).getInt(0)).orElse(0);
        readDataSections();
        readBtfMaps();
        readLegacyMaps();
        readExterns();
        readStructOps(STRUCT_OPS);
        readStructOps(STRUCT_OPS_LINK);
        Map<String, ProgramSpec> programs = readPrograms(license, version);
        requireStructOpsPrograms(programs);
        return new CollectionSpec(maps, programs, variables, externs, license, version, order, btf);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Data sections: .data*, .rodata*, .bss become single-entry array maps

    private static boolean isDataSection(String name) {
        return name.equals(".data") || name.startsWith(".data.") || name.equals(".rodata")
                || name.startsWith(".rodata.") || name.equals(".bss");
    }

    private void readDataSections() {
        for (Section section : elf.sections()) {
            if (!isDataSection(section.name()) || section.size() == 0) {
                continue;
            }
            if (section.size() > Integer.MAX_VALUE - 8) {
                throw new ElfFormatException("data section " + section.name() + " is too large (" + section.size()
                        + " bytes)", section.offset());
            }
            String name = section.name();
            int size = (int) section.size();
            boolean readOnly = name.startsWith(".rodata");
            Optional<Datasec> datasec = btf == null ? Optional.empty() : btf.typeByName(name, Datasec.class);
            MapSpec spec = new MapSpec(name, MapType.ARRAY).keySize(4).valueSize(size).maxEntries(1)
                    .flags((readOnly ? MapFlags.RDONLY_PROG : 0)
                            | (datasec.filter(ObjectReader::hasNonStaticVariable).isPresent()
                                    ? MapFlags.MMAPABLE : 0))
                    .freeze(readOnly);
            if (!section.isNoBits()) {
                // Zero-filled sections (.bss) need no contents: the kernel zeroes new array maps.
                spec.contents(List.of(new MapSpec.Entry(0, bytes(section))));
            }
            datasec.ifPresent(ds -> spec.valueType(ds));
            maps.put(name, spec);
            dataSections.put(section.index(), name);
            readVariables(section, spec, datasec);
        }
    }

    /** libbpf maps a data section into user memory (BPF_F_MMAPABLE) when it holds a variable visible outside. */
    private static boolean hasNonStaticVariable(Datasec datasec) {
        return datasec.vars().stream().anyMatch(v -> v.type() instanceof Var
                && ((Var) v.type()).linkage() != Linkage.STATIC);
    }

    private void readVariables(Section section, MapSpec map, Optional<Datasec> datasec) {
        String mapName = map.name();
        int size = map.valueSize();
        if (datasec.isPresent()) {
            for (VarSecinfo info : datasec.get().vars()) {
                if (!(info.type() instanceof Var)) {
                    continue;
                }
                Var var = (Var) info.type();
                if (info.offset() < 0 || info.size() < 0 || (long) info.offset() + info.size() > size) {
                    throw new BtfFormatException("variable '" + var.name() + "' of " + mapName + " lies outside the "
                            + size + "-byte section (offset " + info.offset() + ", size " + info.size() + ")");
                }
                variables.putIfAbsent(var.name(), new VariableSpec(var.name(), map, info.offset(), info.size(),
                        var.type(), order));
            }
            return;
        }
        for (Symbol symbol : symbolsBySection.getOrDefault(section.index(), List.of())) {
            if (symbol.isObject() && !symbol.name().isEmpty()) {
                if (symbol.value() + symbol.size() > size) {
                    throw new ElfFormatException("symbol '" + symbol.name() + "' lies outside section " + mapName,
                            section.offset());
                }
                variables.putIfAbsent(symbol.name(), new VariableSpec(symbol.name(), map, (int) symbol.value(),
                        (int) symbol.size(), null, order));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // BTF-defined maps in .maps

    private void readBtfMaps() {
        Optional<Section> section = elf.section(BTF_MAPS);
        if (section.isEmpty()) {
            return;
        }
        if (btf == null) {
            throw new ElfFormatException("the object has a .maps section but no .BTF: compile with -g", 0);
        }
        Datasec datasec = btf.typeByName(BTF_MAPS, Datasec.class).orElseThrow(() -> new BtfFormatException(
                "the object has a .maps section but its BTF has no .maps DATASEC"));
        List<Relocation> relocations = elf.relocations(section.get());
        TreeMap<Long, String> byOffset = new TreeMap<>();
        for (VarSecinfo info : datasec.vars()) {
            if (!(info.type() instanceof Var)) {
                throw new BtfFormatException(".maps DATASEC entry at offset " + info.offset() + " is not a variable");
            }
            Var var = (Var) info.type();
            MapSpec spec = btfMap(var.name(), var.type(), false);
            List<Relocation> own = relocationsIn(relocations, info.offset(), info.size());
            readInitialValues(spec, var.type(), info.offset(), own);
            maps.put(spec.name(), spec);
            byOffset.put((long) info.offset(), spec.name());
        }
        mapsBySection.put(section.get().index(), byOffset);
    }

    /** Builds a map from the struct libbpf's {@code __uint}/{@code __type}/{@code __array} macros produce. */
    private MapSpec btfMap(String name, Type definition, boolean inner) {
        Type resolved = Types.underlying(definition); // libbpf looks through typedefs of the definition too
        if (!(resolved instanceof Struct)) {
            throw new BtfFormatException("map '" + name + "' is not defined by a struct in .maps but by "
                    + Types.describe(definition));
        }
        Struct struct = (Struct) resolved;
        MapSpec spec = new MapSpec(name, MapType.UNSPEC);
        Type keyType = null;
        Type valueType = null;
        int keySize = -1;
        int valueSize = -1;
        for (Member member : struct.members()) {
            switch (member.name()) {
                case "type":
                    spec.type(mapType(name, uintMember(name, member)));
                    break;
                case "max_entries":
                    spec.maxEntries(uintMember(name, member));
                    break;
                case "map_flags":
                    spec.flags(uintMember(name, member));
                    break;
                case "numa_node":
                    spec.numaNode(uintMember(name, member));
                    break;
                case "map_extra":
                    spec.mapExtra(Integer.toUnsignedLong(uintMember(name, member)));
                    break;
                case "key_size":
                    keySize = uintMember(name, member);
                    break;
                case "value_size":
                    valueSize = uintMember(name, member);
                    break;
                case "key":
                    keyType = pointee(name, member);
                    break;
                case "value":
                    valueType = pointee(name, member);
                    break;
                case "pinning":
                    int pinning = uintMember(name, member);
                    if (pinning > 1) {
                        throw new BtfFormatException("map '" + name + "': unknown pinning " + pinning
                                + " (0 = none, 1 = LIBBPF_PIN_BY_NAME)");
                    }
                    spec.pinning(pinning == 1 ? Pinning.BY_NAME : Pinning.NONE);
                    break;
                case "values":
                    // __array(values, ...): the element type describes the inner map or the program type.
                    Type values = Types.skipQualifiers(member.type());
                    if (!(values instanceof Array)) {
                        throw new BtfFormatException("map '" + name + "': 'values' must be an array");
                    }
                    Type element = Types.skipQualifiers(((Array) values).element());
                    if (element instanceof Pointer && Types.skipQualifiers(((Pointer) element).target())
                            instanceof Struct && !inner) {
                        Type target = ((Pointer) element).target();
                        spec.innerMap(btfMap(name + ".inner", target, true));
                    }
                    break;
                default:
                    throw new BtfFormatException("map '" + name + "': unknown map definition member '"
                            + member.name() + "'");
            }
        }
        if (spec.type() == MapType.UNSPEC) {
            throw new BtfFormatException("map '" + name + "' has no type (__uint(type, ...))");
        }
        if (keyType != null) {
            int size = sizeOf(name, "key", keyType);
            if (keySize >= 0 && keySize != size) {
                throw new BtfFormatException("map '" + name + "': key_size " + keySize + " contradicts key type of "
                        + size + " bytes");
            }
            keySize = size;
        }
        if (valueType != null) {
            int size = sizeOf(name, "value", valueType);
            if (valueSize >= 0 && valueSize != size) {
                throw new BtfFormatException("map '" + name + "': value_size " + valueSize
                        + " contradicts value type of " + size + " bytes");
            }
            valueSize = size;
        }
        if (spec.type().isMapInMap() || spec.type() == MapType.PROG_ARRAY) {
            // Values of these maps are fds: 4 bytes, whatever the declared value type says.
            valueSize = 4;
            valueType = null;
            keySize = keySize < 0 ? 4 : keySize;
        }
        spec.keySize(Math.max(keySize, 0)).valueSize(Math.max(valueSize, 0));
        spec.keyType(keyType).valueType(valueType);
        if (spec.type() == MapType.RINGBUF || spec.type() == MapType.USER_RINGBUF) {
            spec.maxEntries(MapSpec.ringBufferSize(spec.maxEntries())); // as libbpf does when it opens the object
        }
        return spec;
    }

    private static int uintMember(String map, Member member) {
        // __uint(name, N) is "int (*name)[N]": the value is the array length.
        Type type = Types.skipQualifiers(member.type());
        if (type instanceof Pointer) {
            Type target = Types.skipQualifiers(((Pointer) type).target());
            if (target instanceof Array) {
                return ((Array) target).length();
            }
        }
        throw new BtfFormatException("map '" + map + "': member '" + member.name()
                + "' must be declared with __uint(), found " + Types.describe(member.type()));
    }

    private static Type pointee(String map, Member member) {
        Type type = Types.skipQualifiers(member.type());
        if (type instanceof Pointer) {
            return ((Pointer) type).target();
        }
        throw new BtfFormatException("map '" + map + "': member '" + member.name()
                + "' must be declared with __type(), found " + Types.describe(member.type()));
    }

    private static int sizeOf(String map, String what, Type type) {
        long size = btfSize(type, "map '" + map + "' " + what);
        if (size <= 0 || size > Integer.MAX_VALUE) {
            throw new BtfFormatException("map '" + map + "': " + what + " type " + Types.describe(type)
                    + " has no usable size (" + size + ")");
        }
        return (int) size;
    }

    private static MapType mapType(String map, int value) {
        try {
            return MapType.of(value);
        } catch (IllegalArgumentException e) {
            throw new BtfFormatException("map '" + map + "' has unknown map type " + value);
        }
    }

    private static List<Relocation> relocationsIn(List<Relocation> all, long from, long size) {
        List<Relocation> out = new ArrayList<>();
        for (Relocation r : all) {
            if (r.offset() >= from && r.offset() < from + size) {
                out.add(r);
            }
        }
        return out;
    }

    /** {@code .values = { [i] = &inner_map or &program }}: relocations in .maps at the values slots. */
    private void readInitialValues(MapSpec spec, Type definition, long mapOffset, List<Relocation> relocations) {
        if (relocations.isEmpty()) {
            return;
        }
        Struct struct = (Struct) Types.skipQualifiers(definition);
        Member values = struct.members().stream().filter(m -> m.name().equals("values")).findFirst()
                .orElseThrow(() -> new BtfFormatException("map '" + spec.name()
                        + "' has relocations but no 'values' member"));
        long valuesStart = mapOffset + values.byteOffset();
        List<MapSpec.Entry> contents = new ArrayList<>(spec.contents());
        for (Relocation r : relocations) {
            long slot = (r.offset() - valuesStart) / 8;
            if (r.offset() < valuesStart || (r.offset() - valuesStart) % 8 != 0 || slot >= spec.maxEntries()) {
                throw new ElfFormatException("map '" + spec.name() + "': initial value relocation at offset "
                        + r.offset() + " does not point at a 'values' slot", r.offset());
            }
            contents.add(new MapSpec.Entry((int) slot, r.symbol().name()));
        }
        spec.contents(contents);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Legacy maps: struct bpf_map_def in a "maps" section

    private void readLegacyMaps() {
        Optional<Section> section = elf.section(LEGACY_MAPS);
        if (section.isEmpty()) {
            return;
        }
        ByteBuffer data = elf.data(section.get());
        TreeMap<Long, String> byOffset = new TreeMap<>();
        for (Symbol symbol : symbolsBySection.getOrDefault(section.get().index(), List.of())) {
            if (symbol.isSection() || symbol.name().isEmpty()) {
                continue;
            }
            long offset = symbol.value();
            if (offset + LEGACY_MAP_DEF_SIZE > section.get().size()) {
                throw new ElfFormatException("legacy map '" + symbol.name() + "' is truncated: struct bpf_map_def"
                        + " needs " + LEGACY_MAP_DEF_SIZE + " bytes", section.get().offset() + offset);
            }
            int at = (int) offset;
            MapSpec spec = new MapSpec(symbol.name(), mapType(symbol.name(), data.getInt(at)))
                    .keySize(data.getInt(at + 4)).valueSize(data.getInt(at + 8)).maxEntries(data.getInt(at + 12))
                    .flags(data.getInt(at + 16));
            maps.put(spec.name(), spec);
            byOffset.put(offset, spec.name());
        }
        mapsBySection.put(section.get().index(), byOffset);
    }

    // ---------------------------------------------------------------------------------------------------------
    // struct_ops: each variable of .struct_ops / .struct_ops.link becomes a STRUCT_OPS map

    /**
     * Reads the variables of a struct_ops section, e.g. {@code SEC(".struct_ops") struct tcp_congestion_ops cc =
     * {.init = (void *)cc_init, .name = "cc"}}: a STRUCT_OPS map per variable whose value is the variable in the
     * object's own struct layout; the section's relocations say which program each function pointer names.
     * Variables of {@code .struct_ops.link} are registered through a bpf_link, so their maps get {@code BPF_F_LINK}.
     */
    private void readStructOps(String sectionName) {
        Optional<Section> section = elf.section(sectionName);
        if (section.isEmpty()) {
            return;
        }
        if (btf == null) {
            throw new ElfFormatException("the object has a " + sectionName + " section but no .BTF: compile with -g",
                    section.get().offset());
        }
        Datasec datasec = btf.typeByName(sectionName, Datasec.class).orElseThrow(() -> new BtfFormatException(
                "the object has a " + sectionName + " section but its BTF has no " + sectionName + " DATASEC"));
        byte[] data = bytes(section.get());
        List<Relocation> relocations = elf.relocations(section.get());
        for (VarSecinfo info : datasec.vars()) {
            if (!(info.type() instanceof Var)) {
                throw new BtfFormatException(sectionName + " DATASEC entry at offset " + info.offset()
                        + " is not a variable");
            }
            Var var = (Var) info.type();
            if (!(Types.underlying(var.type()) instanceof Struct struct) || struct.name().isEmpty()) {
                throw new BtfFormatException("struct_ops variable '" + var.name() + "' in " + sectionName
                        + " must be a named struct such as struct tcp_congestion_ops, found "
                        + Types.describe(var.type()));
            }
            if (info.offset() < 0 || struct.size() < 0 || (long) info.offset() + struct.size() > data.length) {
                throw new ElfFormatException("struct_ops variable '" + var.name() + "' lies outside " + sectionName,
                        section.get().offset() + info.offset());
            }
            byte[] value = Arrays.copyOfRange(data, info.offset(), info.offset() + struct.size());
            Map<String, String> programs = new LinkedHashMap<>();
            for (Relocation r : relocationsIn(relocations, info.offset(), struct.size())) {
                int memberOffset = (int) (r.offset() - info.offset());
                Member member = functionPointerAt(var.name(), struct, memberOffset);
                if (memberOffset + Types.POINTER_SIZE > value.length) {
                    throw new BtfFormatException("struct_ops variable '" + var.name() + "': function pointer '"
                            + member.name() + "' ends past the " + value.length + " bytes of struct " + struct.name());
                }
                Symbol symbol = r.symbol();
                String where = sectionName + "+" + r.offset();
                if (symbol.isUndefined() || symbol.sectionIndex() >= Symbol.SHN_LORESERVE
                        || !elf.section(symbol.sectionIndex()).isExecutable()) {
                    throw new ElfFormatException("member '" + member.name() + "' of struct_ops variable '"
                            + var.name() + "' points to '" + symbol.name() + "', which is not a function of the "
                            + "object", section.get().offset() + r.offset());
                }
                if (symbol.value() % 8 != 0) {
                    throw new ElfFormatException("relocation at " + where + " targets offset " + symbol.value()
                            + ", not an instruction", section.get().offset() + r.offset());
                }
                programs.put(member.name(), functionAt(elf.section(symbol.sectionIndex()), symbol.value() / 8,
                        where));
                // The pointer's bytes hold the relocation's addend; the loader writes a descriptor there.
                Arrays.fill(value, memberOffset, memberOffset + Types.POINTER_SIZE, (byte) 0);
            }
            maps.put(var.name(), new MapSpec(var.name(), MapType.STRUCT_OPS).keySize(4).valueSize(struct.size())
                    .maxEntries(1).flags(sectionName.equals(STRUCT_OPS_LINK) ? MapFlags.LINK : 0)
                    .valueType(struct)
                    .contents(List.of(new MapSpec.Entry(0, value)))
                    .structOpsPrograms(programs));
        }
    }

    private static Member functionPointerAt(String variable, Struct struct, int byteOffset) {
        for (Member member : struct.members()) {
            if (!member.isBitfield() && member.bitOffset() == byteOffset * 8) {
                Type type = Types.underlying(member.type());
                if (type instanceof Pointer pointer
                        && Types.underlying(pointer.target()) instanceof FuncProto) {
                    return member;
                }
                throw new BtfFormatException("struct_ops variable '" + variable + "': member '" + member.name()
                        + "' of struct " + struct.name() + " is set to a function but is not a function pointer ("
                        + Types.describe(member.type()) + ")");
            }
        }
        throw new BtfFormatException("struct_ops variable '" + variable + "': a function is stored at offset "
                + byteOffset + " of struct " + struct.name() + ", where no member starts");
    }

    /** Functions named by struct_ops variables must be struct_ops programs, as libbpf checks. */
    private void requireStructOpsPrograms(Map<String, ProgramSpec> programs) {
        for (MapSpec map : maps.values()) {
            map.structOpsPrograms().forEach((member, name) -> {
                ProgramSpec program = programs.get(name);
                if (program == null || program.type() != ProgramType.STRUCT_OPS) {
                    throw new ElfFormatException("member '" + member + "' of struct_ops variable '" + map.name()
                            + "' points to '" + name + "', which is not a struct_ops program (declare it in "
                            + "SEC(\"struct_ops/...\") or SEC(\"struct_ops.s/...\"))");
                }
            });
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Externs: .kconfig values and .ksyms kernel symbols, filled in at load time

    private void readExterns() {
        if (btf == null) {
            return;
        }
        readExternSection(KCONFIG);
        readExternSection(KSYMS);
        int kconfigSize = 0;
        for (ExternVariable e : externs.values()) {
            if (e.section().equals(KCONFIG)) {
                kconfigSize = Math.max(kconfigSize, e.offset() + e.size());
            }
        }
        if (kconfigSize > 0) {
            // Contents are written at load time, from the running kernel's configuration.
            maps.put(KCONFIG, new MapSpec(KCONFIG, MapType.ARRAY).keySize(4).valueSize(kconfigSize).maxEntries(1)
                    .flags(MapFlags.RDONLY_PROG | MapFlags.MMAPABLE)
                    .freeze(true));
        }
    }

    /**
     * Records the externs of {@code .kconfig} or {@code .ksyms} and rewrites their BTF the way libbpf does, so that
     * the kernel accepts it: clang leaves extern offsets to the loader, and the kernel refuses extern linkage and
     * functions inside a DATASEC.
     */
    private void readExternSection(String name) {
        Optional<Datasec> datasec = btf.typeByName(name, Datasec.class);
        if (datasec.isEmpty()) {
            return;
        }
        boolean kconfig = name.equals(KCONFIG);
        Int int32 = null;
        Var dummy = null;
        int offset = 0;
        List<VarSecinfo> vars = datasec.get().vars();
        if (kconfig) {
            // libbpf's layout: larger alignment first, then by name; keeps .kconfig compatible with libbpf's
            vars.sort(Comparator.comparingInt((VarSecinfo v) -> -kconfigAlignment(v))
                    .thenComparing(v -> v.type().name()));
        }
        for (int i = 0; i < vars.size(); i++) {
            Type t = vars.get(i).type();
            String externName = t.name();
            Symbol symbol = elf.symbols().stream().filter(s -> s.name().equals(externName)).findFirst().orElse(null);
            boolean weak = symbol != null && symbol.isWeak();
            if (kconfig && t instanceof Var) {
                Var var = (Var) t;
                int size = (int) btfSize(var.type(), "kconfig extern '" + externName + "'");
                int align = Math.max(1, btfAlignment(var.type(), "kconfig extern '" + externName + "'"));
                offset = (offset + align - 1) / align * align;
                externs.put(externName, new ExternVariable(externName, name, offset, size, var.type(), weak));
                var.setLinkage(Linkage.GLOBAL);
                vars.set(i, new VarSecinfo(var, offset, size));
                offset += size;
                continue;
            }
            if (kconfig) {
                throw new BtfFormatException(".kconfig entry '" + externName + "' is not a variable");
            }
            // .ksyms: every entry becomes a 4-byte int variable; the real types are kept for resolution.
            if (int32 == null) {
                int32 = new Int("int", 4, Int.Encoding.SIGNED);
            }
            if (t instanceof Func) {
                Func func = (Func) t;
                externs.put(externName, new ExternVariable(externName, name, 0, 0, func, weak));
                func.setLinkage(Linkage.GLOBAL);
                List<Param> params = func.proto().params();
                for (int p = 0; p < params.size(); p++) {
                    Param param = params.get(p);
                    if (param.name().isEmpty() && param.type() != io.ebpf4j.btf.Void.INSTANCE) {
                        params.set(p, new Param("dummy_ksym", param.type()));
                    }
                }
                if (dummy == null) {
                    dummy = new Var("dummy_ksym", int32, Linkage.GLOBAL);
                }
                vars.set(i, new VarSecinfo(dummy, 4 * i, 4));
            } else if (t instanceof Var) {
                Var var = (Var) t;
                externs.put(externName, new ExternVariable(externName, name, 0, 0, var.type(), weak));
                var.setLinkage(Linkage.GLOBAL);
                var.setType(int32);
                vars.set(i, new VarSecinfo(var, 4 * i, 4));
            }
            offset = 4 * (i + 1);
        }
        datasec.get().setSize(offset);
    }

    private static int kconfigAlignment(VarSecinfo info) {
        return info.type() instanceof Var
                ? Math.max(1, btfAlignment(((Var) info.type()).type(), "kconfig extern '" + info.type().name() + "'"))
                : 1;
    }

    /** The object's BTF describing a type without a size (void, a function) is a malformed object. */
    private static long btfSize(Type type, String what) {
        try {
            return Types.sizeof(type);
        } catch (BtfFormatException e) {
            throw e;
        } catch (BpfException e) {
            throw new BtfFormatException(what + ": " + e.getMessage());
        }
    }

    private static int btfAlignment(Type type, String what) {
        try {
            return Types.alignof(type);
        } catch (BtfFormatException e) {
            throw e;
        } catch (BpfException e) {
            throw new BtfFormatException(what + ": " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Programs

    private Map<String, ProgramSpec> readPrograms(String license, int version) {
        Map<String, Function> functions = new LinkedHashMap<>();
        for (Section section : elf.sections()) {
            if (!section.isExecutable() || section.size() == 0) {
                continue;
            }
            for (Function f : readFunctions(section, !section.name().equals(TEXT))) {
                if (functions.putIfAbsent(f.name(), f) != null) {
                    throw new ElfFormatException("two functions are named '" + f.name() + "'", section.offset());
                }
            }
        }
        Map<String, ProgramSpec> programs = new LinkedHashMap<>();
        for (Function f : functions.values()) {
            if (!f.isProgram()) {
                continue;
            }
            String section = f.section().name();
            boolean autoload = !section.startsWith("?");
            ProgramSpec spec = new ProgramSpec(f.name(), ProgramType.UNSPEC, Linker.link(f, functions))
                    // Like libbpf, without the '?' that only switches autoload off
                    .sectionName(autoload ? section : section.substring(1))
                    .autoload(autoload)
                    .license(license)
                    .kernelVersion(version);
            if (!resolver.resolve(spec.sectionName(), spec)) {
                // A section libbpf does not know leaves the program unspecified, for the application to set.
                SectionDefinitions.classify(section).ifPresent(kind -> spec.type(kind.programType())
                        .attachType(kind.attachType()).attachTo(kind.attachTarget()).flags(kind.programFlags()));
            }
            programs.put(f.name(), spec);
        }
        return programs;
    }

    /** Splits a program section into functions and turns its relocations into symbolic references. */
    private List<Function> readFunctions(Section section, boolean programSection) {
        Instructions all;
        try {
            all = Instructions.unmarshal(bytes(section), 0, (int) section.size(), order);
        } catch (IllegalArgumentException e) {
            throw new ElfFormatException("section " + section.name() + " does not hold valid BPF instructions: "
                    + e.getMessage(), section.offset());
        }
        // slot -> instruction index, to map byte offsets (relocations, symbols, BTF.ext) onto instructions
        Map<Long, Integer> indexBySlot = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            indexBySlot.put((long) all.slotOffset(i), i);
        }
        List<Instruction> insns = new ArrayList<>(all.asList());
        for (Relocation relocation : elf.relocations(section)) {
            Integer index = indexBySlot.get(relocation.offset() / 8);
            if (index == null || relocation.offset() % 8 != 0) {
                throw new ElfFormatException("relocation at offset " + relocation.offset() + " of " + section.name()
                        + " does not point at an instruction", section.offset() + relocation.offset());
            }
            insns.set(index, relocate(section, insns.get(index), all.slotOffset(index), relocation));
        }
        // Calls within the section that clang resolved itself (no relocation) still need a callee name.
        TreeMap<Long, String> functionStarts = new TreeMap<>();
        List<Symbol> functionSymbols = new ArrayList<>();
        for (Symbol symbol : symbolsBySection.getOrDefault(section.index(), List.of())) {
            if (symbol.isFunction()) {
                if (symbol.value() % 8 != 0 || !indexBySlot.containsKey(symbol.value() / 8)) {
                    throw new ElfFormatException("function '" + symbol.name() + "' starts at offset "
                            + symbol.value() + ", not at an instruction of " + section.name(), section.offset());
                }
                String other = functionStarts.put(symbol.value() / 8, functionName(symbol));
                if (other != null) {
                    throw new ElfFormatException("functions '" + other + "' and '" + symbol.name()
                            + "' start at the same offset " + symbol.value() + " of " + section.name(),
                            section.offset());
                }
                functionSymbols.add(symbol);
            }
        }
        for (int i = 0; i < insns.size(); i++) {
            Instruction insn = insns.get(i);
            if (insn.reference() == null && (insn.isBpfToBpfCall() || insn.isFunctionReference())) {
                long target = insn.isBpfToBpfCall() ? all.slotOffset(i) + insn.constant() + 1
                        : insn.constant() / 8;
                String callee = functionStarts.get(target);
                if (callee == null) {
                    throw new ElfFormatException("call at offset " + all.slotOffset(i) * 8 + " of " + section.name()
                            + " does not target a function", section.offset() + all.slotOffset(i) * 8L);
                }
                insns.set(i, insn.withReference(callee).withConstant(insn.isBpfToBpfCall() ? -1 : 0));
            }
        }
        if (ext != null) {
            annotate(section, insns, indexBySlot);
        }
        List<Function> functions = new ArrayList<>();
        if (functionSymbols.isEmpty()) {
            throw new ElfFormatException("section " + section.name() + " holds code but no function symbol",
                    section.offset());
        }
        for (int f = 0; f < functionSymbols.size(); f++) {
            Symbol symbol = functionSymbols.get(f);
            int from = indexBySlot.get(symbol.value() / 8);
            int to = f + 1 < functionSymbols.size() ? indexBySlot.get(functionSymbols.get(f + 1).value() / 8)
                    : insns.size();
            // Like libbpf, a function is as long as its symbol says: the static linker leaves the code of the weak
            // functions it dropped (a second copy of usdt.bpf.h's helpers, say) behind the function before them.
            Integer end = indexBySlot.get((symbol.value() + symbol.size()) / 8);
            if (symbol.size() > 0 && symbol.size() % 8 == 0 && end != null && end < to) {
                to = end;
            }
            List<Instruction> body = new ArrayList<>(insns.subList(from, to));
            body.set(0, body.get(0).withSymbol(functionName(symbol)));
            if (btf != null && !symbol.isLocal() && (symbol.isHidden() || symbol.visibility() == Symbol.STV_INTERNAL)) {
                // libbpf marks hidden global functions (usdt.bpf.h's bpf_usdt_arg, say) static in BTF, so that the
                // verifier checks them together with their caller instead of alone, with arguments it cannot trust.
                btf.typeByName(symbol.name(), Func.class)
                        .ifPresent(func -> func.setLinkage(Linkage.STATIC));
            }
            boolean isProgram = programSection && symbol.isGlobal();
            functions.add(new Function(functionName(symbol), section, symbol.value(), isProgram,
                    Instructions.of(body)));
        }
        return functions;
    }

    /**
     * Attaches the section's .BTF.ext records to their instructions as metadata (function types, source lines,
     * CO-RE relocations), so that they follow the instructions through linking.
     */
    private void annotate(Section section, List<Instruction> insns, Map<Long, Integer> indexBySlot) {
        Optional<ExtInfo.Section> records = ext.section(section.name());
        if (records.isEmpty()) {
            return;
        }
        for (FuncInfo info : records.get().funcInfos()) {
            int i = instructionAt(section, indexBySlot, info.insnOffset(), "func_info");
            insns.set(i, insns.get(i).withMetadata(info));
        }
        for (LineInfo info : records.get().lineInfos()) {
            int i = instructionAt(section, indexBySlot, info.insnOffset(), "line_info");
            insns.set(i, insns.get(i).withMetadata(info).withSource(info.line().strip()));
        }
        for (CoreRelocation relocation : records.get().coreRelocations()) {
            int i = instructionAt(section, indexBySlot, relocation.insnOffset(), "CO-RE relocation");
            insns.set(i, insns.get(i).withMetadata(relocation));
        }
    }

    private static int instructionAt(Section section, Map<Long, Integer> indexBySlot, int byteOffset, String what) {
        Integer index = byteOffset % 8 == 0 ? indexBySlot.get((long) byteOffset / 8) : null;
        if (index == null) {
            throw new BtfFormatException(".BTF.ext " + what + " at offset " + byteOffset + " of " + section.name()
                    + " does not point at an instruction");
        }
        return index;
    }

    private Instruction relocate(Section section, Instruction insn, int slot, Relocation relocation) {
        Symbol symbol = relocation.symbol();
        String where = section.name() + "+" + relocation.offset();
        if (!insn.isCall() && !insn.isLoadImm64()) {
            throw new ElfFormatException("relocation against '" + symbol.name() + "' at " + where
                    + " applies to neither a call nor a 64-bit load", section.offset() + relocation.offset());
        }
        if (symbol.isUndefined()) {
            ExternVariable extern = externs.get(symbol.name());
            if (insn.isCall()) {
                // An extern function is a kfunc: the loader finds its BTF id in the kernel.
                return insn.withReference(symbol.name()).withSrc(Register.of(Instruction.PSEUDO_KFUNC_CALL))
                        .withConstant(-1);
            }
            if (extern == null) {
                throw new ElfFormatException("extern '" + symbol.name() + "' at " + where
                        + " is neither in .kconfig nor in .ksyms", section.offset() + relocation.offset());
            }
            if (extern.section().equals(KCONFIG)) {
                return insn.withReference(KCONFIG).withSrc(Register.of(Instruction.PSEUDO_MAP_VALUE))
                        .withConstant((long) extern.offset() << 32);
            }
            return insn.withReference(symbol.name()).withConstant(0);
        }
        Section target = elf.section(symbol.sectionIndex());
        if (insn.isCall()) {
            if (!target.isExecutable()) {
                throw new ElfFormatException("call at " + where + " targets '" + symbol.name()
                        + "' in non-code section " + target.name(), section.offset() + relocation.offset());
            }
            long calleeSlot = symbol.value() / 8 + insn.constant() + 1;
            return insn.withReference(functionAt(target, calleeSlot, where)).withConstant(-1);
        }
        if (target.isExecutable()) {
            // ld_imm64 of a function address (a callback): global symbols carry the offset, section symbols the imm.
            long calleeSlot = (symbol.value() + (int) insn.constant()) / 8;
            return insn.withReference(functionAt(target, calleeSlot, where))
                    .withSrc(Register.of(Instruction.PSEUDO_FUNC)).withConstant(0);
        }
        TreeMap<Long, String> mapsHere = mapsBySection.get(target.index());
        if (mapsHere != null) {
            String map = mapsHere.get(symbol.value());
            if (map == null) {
                throw new ElfFormatException("relocation at " + where + " points into " + target.name()
                        + " at offset " + symbol.value() + ", where no map is defined",
                        section.offset() + relocation.offset());
            }
            return insn.withReference(map).withSrc(Register.of(Instruction.PSEUDO_MAP_FD)).withConstant(0);
        }
        String dataMap = dataSections.get(target.index());
        if (dataMap != null) {
            long offset = symbol.value() + (int) insn.constant();
            if (offset < 0 || offset >= Math.max(1, target.size())) {
                throw new ElfFormatException("relocation at " + where + " points past the end of " + target.name(),
                        section.offset() + relocation.offset());
            }
            return insn.withReference(dataMap).withSrc(Register.of(Instruction.PSEUDO_MAP_VALUE))
                    .withConstant(offset << 32);
        }
        throw new ElfFormatException("relocation at " + where + " against '" + symbol.name() + "' in section "
                + target.name() + ", which is neither a map, a data section nor code",
                section.offset() + relocation.offset());
    }

    private String functionAt(Section section, long slot, String where) {
        for (Symbol s : symbolsBySection.getOrDefault(section.index(), List.of())) {
            if (s.isFunction() && s.value() == slot * 8) {
                return functionName(s);
            }
        }
        throw new ElfFormatException("reference at " + where + " targets offset " + slot * 8 + " of "
                + section.name() + ", where no function starts", section.offset());
    }

    // ---------------------------------------------------------------------------------------------------------

    private byte[] bytes(Section section) {
        ByteBuffer data = elf.data(section);
        byte[] out = new byte[data.remaining()];
        data.get(out);
        return out;
    }

    private static String cString(byte[] data) {
        int end = 0;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, 0, end, StandardCharsets.UTF_8);
    }
}
