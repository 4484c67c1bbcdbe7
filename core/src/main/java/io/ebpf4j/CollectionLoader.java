package io.ebpf4j;

import io.ebpf4j.asm.Instruction;
import io.ebpf4j.asm.Instructions;
import io.ebpf4j.asm.Register;
import io.ebpf4j.btf.BtfLoadException;
import io.ebpf4j.btf.Builder;
import io.ebpf4j.btf.CoreResolver;
import io.ebpf4j.btf.ExtInfo;
import io.ebpf4j.btf.Func;
import io.ebpf4j.btf.FuncInfo;
import io.ebpf4j.btf.Handle;
import io.ebpf4j.btf.LineInfo;
import io.ebpf4j.btf.Spec;
import io.ebpf4j.btf.Type;
import io.ebpf4j.btf.Typedef;
import io.ebpf4j.btf.Types;
import io.ebpf4j.btf.Var;
import io.ebpf4j.features.Features;
import io.ebpf4j.internal.Kallsyms;
import io.ebpf4j.internal.KernelConfig;
import io.ebpf4j.internal.KernelVersion;
import io.ebpf4j.internal.sys.Errno;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Loads a {@link CollectionSpec}: maps, then programs, then cross-references; closes everything on failure. */
final class CollectionLoader {
    private static final System.Logger LOG = System.getLogger("io.ebpf4j");
    /** Where maps pinned by name go when no pin path is given: libbpf's default. */
    private static final String DEFAULT_PIN_PATH = "/sys/fs/bpf";
    private final CollectionSpec spec;
    private final CollectionOptions options;
    private final Map<String, BpfMap> maps = new LinkedHashMap<>();
    private final Map<String, BpfProgram> programs = new LinkedHashMap<>();
    private final Set<String> borrowed = new HashSet<>();
    /** The kernel layouts of the struct_ops maps this load creates, by map name. */
    private final Map<String, StructOpsLayout> structOps = new LinkedHashMap<>();
    /** The kernel struct member each struct_ops program implements, by program name. */
    private final Map<String, StructOpsMember> structOpsMembers = new HashMap<>();
    /** The kernel values of the {@code .struct_ops} maps, written (registering them) when they are attached. */
    private final Map<String, BpfCollection.StructOpsValue> structOpsValues = new LinkedHashMap<>();
    private Builder btfBuilder;
    private Handle btfHandle;
    private Spec kernelBtf;
    /** The values of the object's kconfig externs, for its .kconfig map. */
    private byte[] kconfigContents;

    CollectionLoader(CollectionSpec spec, CollectionOptions options) {
        this.spec = spec;
        this.options = options;
    }

    BpfCollection load() {
        if (spec.byteOrder() != ByteOrder.nativeOrder()) {
            throw new BpfException("the object was compiled for " + describe(spec.byteOrder())
                    + " but this machine is " + describe(ByteOrder.nativeOrder()) + ": recompile with clang -target "
                    + (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? "bpfel" : "bpfeb")
                    + " (or -target bpf on this machine)");
        }
        try {
            List<Prepared> prepared = prepare();
            loadBtf();
            fillKconfig();
            resolveStructOps();
            createMaps();
            loadPrograms(prepared);
            writeReferencingContents();
            writeStructOps();
            return new BpfCollection(maps, programs, borrowed, structOpsValues, spec.variables(), spec.maps());
        } catch (RuntimeException | Error e) {
            closeAll(e);
            throw e;
        } finally {
            if (btfHandle != null) {
                btfHandle.close(); // maps and programs keep their own references to the kernel BTF object
            }
        }
    }

    private static String describe(ByteOrder order) {
        return order == ByteOrder.LITTLE_ENDIAN ? "little-endian" : "big-endian";
    }

    /** Undoes a failed load. Nothing is registered yet: struct_ops maps register when they are attached. */
    private void closeAll(Throwable cause) {
        programs.values().forEach(BpfProgram::close);
        maps.forEach((name, map) -> {
            if (!borrowed.contains(name)) {
                map.close();
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // BTF

    /** A program with CO-RE applied, and its func/line info in the layout BPF_PROG_LOAD wants. */
    private record Prepared(ProgramSpec spec, Instructions instructions, byte[] funcInfo, int funcInfoCount,
            byte[] lineInfo, int lineInfoCount) {}

    /**
     * Applies CO-RE relocations and lays out func/line info of every program to load. Line info adds its strings to
     * the BTF, so this runs before the BTF is marshalled.
     */
    private List<Prepared> prepare() {
        if (spec.btf().isPresent()) {
            btfBuilder = Builder.of(spec.btf().get());
        }
        List<Prepared> prepared = new ArrayList<>();
        for (ProgramSpec program : spec.programs().values()) {
            if (program.autoload() && program.type() == ProgramType.UNSPEC) {
                throw BpfProgram.unspecifiedType(program); // before anything is created
            }
        }
        for (ProgramSpec program : spec.programs().values()) {
            if (!program.autoload() || onlyUncreatedMapsCall(program)) {
                continue;
            }
            Instructions code = CoreRelocator.apply(program, program.instructions(), this::coreResolver);
            List<FuncInfo> funcs = new ArrayList<>();
            List<LineInfo> lines = new ArrayList<>();
            for (int i = 0; i < code.size(); i++) {
                int byteOffset = code.slotOffset(i) * Instructions.SLOT_SIZE;
                FuncInfo func = code.get(i).metadata(FuncInfo.class);
                if (func != null) {
                    funcs.add(func.withInsnOffset(byteOffset));
                }
                LineInfo line = code.get(i).metadata(LineInfo.class);
                if (line != null) {
                    lines.add(line.withInsnOffset(byteOffset));
                }
            }
            boolean withFuncInfo = btfBuilder != null && !funcs.isEmpty() && funcs.get(0).insnOffset() == 0;
            prepared.add(new Prepared(program, code,
                    withFuncInfo ? ExtInfo.marshalFuncInfos(funcs, btfBuilder) : null, withFuncInfo ? funcs.size() : 0,
                    withFuncInfo ? ExtInfo.marshalLineInfos(lines, btfBuilder) : null,
                    withFuncInfo ? lines.size() : 0));
        }
        return prepared;
    }

    private CoreResolver coreResolver;

    private CoreResolver coreResolver() {
        if (coreResolver == null) {
            coreResolver = options.kernelBtf() != null ? CoreResolver.of(options.kernelBtf())
                    : CoreResolver.forKernel();
        }
        return coreResolver;
    }

    private void loadBtf() {
        if (btfBuilder == null) {
            return;
        }
        try {
            btfHandle = Handle.load(btfBuilder);
        } catch (NotSupportedException e) {
            // Kernels without BTF still load BTF-less maps and programs; maps that need BTF fail on their own.
            btfBuilder = null;
        } catch (BtfLoadException e) {
            // libbpf: the object's BTF is optional unless something needs it; warn and go on without.
            String needs = needsObjectBtf();
            if (needs != null) {
                throw new BpfException("the kernel rejected the object's BTF, which " + needs + " needs: "
                        + e.getMessage(), e.errno(), e);
            }
            LOG.log(System.Logger.Level.WARNING, "The kernel rejected the object's BTF; loading without it, as "
                    + "libbpf does (verifier logs will show no source lines): " + e.getMessage());
            btfBuilder = null;
        }
    }

    /**
     * What of this load cannot do without the object's BTF in the kernel, or null: maps whose type needs BTF
     * (struct_ops, as libbpf checks, and local storage) and programs that take a function's address (a callback,
     * for which the verifier wants func_info).
     */
    private String needsObjectBtf() {
        for (MapSpec map : spec.maps().values()) {
            if (map.type().requiresBtf() && !options.mapReplacements().containsKey(map.name())) {
                return "map '" + map.name() + "' (" + map.type() + ")";
            }
        }
        for (ProgramSpec program : spec.programs().values()) {
            if (program.autoload()) {
                for (Instruction insn : program.instructions()) {
                    if (insn.isFunctionReference()) {
                        return "program '" + program.name() + "' (it passes callback '" + insn.reference()
                                + "', for which the verifier wants BTF func_info)";
                    }
                }
            }
        }
        return null;
    }

    private Spec kernelBtf() {
        if (kernelBtf == null) {
            kernelBtf = options.kernelBtf() != null ? options.kernelBtf() : Spec.kernel();
        }
        return kernelBtf;
    }

    private BpfMap.MapBtf mapBtf(MapSpec map) {
        if (btfHandle == null || (map.keyType() == null && map.valueType() == null)) {
            return BpfMap.MapBtf.NONE;
        }
        int key = map.keyType() == null ? 0 : btfBuilder.id(map.keyType());
        int value = map.valueType() == null ? 0 : btfBuilder.id(map.valueType());
        // The handle stays open until load() returns, so its descriptor number is valid while maps are created.
        return new BpfMap.MapBtf(btfHandle.fd(), key, value, 0);
    }

    // ---------------------------------------------------------------------------------------------------------
    // kconfig externs

    private void fillKconfig() {
        MapSpec kconfig = spec.maps().get(ObjectReader.KCONFIG);
        if (kconfig == null) {
            return;
        }
        byte[] data = new byte[kconfig.valueSize()];
        ByteBuffer out = ByteBuffer.wrap(data).order(ByteOrder.nativeOrder());
        Map<String, String> config = null;
        for (ObjectReader.ExternVariable extern : spec.externs().values()) {
            if (!extern.section().equals(ObjectReader.KCONFIG)) {
                continue;
            }
            String name = extern.name();
            long value;
            String text = null;
            switch (name) {
                case "LINUX_KERNEL_VERSION":
                    value = KernelVersion.current().code();
                    break;
                case "LINUX_HAS_SYSCALL_WRAPPER":
                    value = 1; // every kernel this library supports (x86_64, aarch64 since 4.17) wraps syscalls
                    break;
                case "LINUX_HAS_BPF_COOKIE":
                    value = Features.hasBpfLink() ? 1 : 0;
                    break;
                default:
                    if (name.startsWith("LINUX_") && extern.weak()) {
                        continue; // libbpf: a __weak virtual extern it does not know is 0, like an unset CONFIG_*
                    }
                    if (!name.startsWith("CONFIG_")) {
                        throw new BpfException("unknown kconfig extern '" + name + "': only CONFIG_* and "
                                + "LINUX_KERNEL_VERSION, LINUX_HAS_SYSCALL_WRAPPER, LINUX_HAS_BPF_COOKIE exist (a "
                                + "__weak LINUX_* extern this library does not know reads as 0)");
                    }
                    if (config == null) {
                        config = KernelConfig.current().orElse(null);
                    }
                    String raw = config == null ? null : config.get(name);
                    if (raw == null) {
                        if (!extern.weak()) {
                            throw new BpfException("kconfig extern '" + name + "' is not set in this kernel's "
                                    + "configuration" + (config == null ? " (no /proc/config.gz or /boot/config-"
                                    + KernelVersion.current() + " to read)" : "")
                                    + "; declare it __weak to default to 0");
                        }
                        continue;
                    }
                    if (raw.startsWith("\"")) {
                        text = raw.substring(1, Math.max(1, raw.length() - 1));
                        value = 0;
                    } else if (raw.equals("y")) {
                        value = 1;
                    } else if (raw.equals("m")) {
                        value = 2; // enum libbpf_tristate: TRI_MODULE
                    } else if (raw.equals("n")) {
                        value = 0;
                    } else {
                        value = raw.startsWith("0x") ? Long.parseUnsignedLong(raw.substring(2), 16)
                                : Long.parseLong(raw);
                    }
            }
            writeKconfig(out, extern, value, text);
        }
        kconfigContents = data;
    }

    private static void writeKconfig(ByteBuffer out, ObjectReader.ExternVariable extern, long value, String text) {
        int at = extern.offset();
        if (text != null) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            if (bytes.length >= extern.size()) {
                throw new BpfException("kconfig string '" + extern.name() + "' (" + bytes.length
                        + " bytes) does not fit its " + extern.size() + "-byte variable");
            }
            out.put(at, bytes);
            return;
        }
        switch (extern.size()) {
            case 1: out.put(at, (byte) value); break;
            case 2: out.putShort(at, (short) value); break;
            case 4: out.putInt(at, (int) value); break;
            case 8: out.putLong(at, value); break;
            default:
                throw new BpfException("kconfig extern '" + extern.name() + "' has unsupported size " + extern.size());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Maps

    private void createMaps() {
        for (MapSpec mapSpec : spec.maps().values()) {
            if (!mapSpec.autocreate()) {
                continue;
            }
            String name = mapSpec.name();
            BpfMap replacement = options.mapReplacements().get(name);
            if (replacement != null) {
                requireCompatible(mapSpec, replacement.info(), "replacement map");
                maps.put(name, replacement);
                borrowed.add(name);
                continue;
            }
            if (mapSpec.pinning() == Pinning.BY_NAME) {
                maps.put(name, pinnedMap(mapSpec));
                continue;
            }
            maps.put(name, create(mapSpec));
        }
    }

    private BpfMap create(MapSpec mapSpec) {
        if (mapSpec.name().equals(ObjectReader.KCONFIG) && kconfigContents != null) {
            mapSpec = mapSpec.copy().contents(List.of(new MapSpec.Entry(0, kconfigContents)));
        }
        StructOpsLayout layout = structOps.get(mapSpec.name());
        if (layout != null) {
            return createStructOps(mapSpec, layout);
        }
        try {
            mapSpec.validate();
        } catch (IllegalArgumentException e) {
            // Objects may leave a map for the application to size before loading (libbpf's bpf_map__set_*): say so.
            throw new BpfException(e.getMessage() + "; the object leaves it to the application: set it on "
                    + "spec.maps().get(\"" + mapSpec.name() + "\") before loading", Errno.EINVAL);
        }
        MapSpec plain = withoutReferences(mapSpec);
        BpfMap.MapBtf btf = mapSpec.type().refusesBtf() ? BpfMap.MapBtf.NONE : mapBtf(mapSpec);
        if (btf == BpfMap.MapBtf.NONE || mapSpec.type().requiresBtf()) {
            return BpfMap.create(plain, btf);
        }
        try {
            return BpfMap.create(plain, btf);
        } catch (NotSupportedException | BpfPermissionException e) {
            throw e; // without BTF it would fail the same way
        } catch (BpfException e) {
            // Like libbpf: whatever the kernel disliked (often the BTF types, e.g. of a prog array), retry without.
            try {
                return BpfMap.create(plain, BpfMap.MapBtf.NONE);
            } catch (BpfException again) {
                again.addSuppressed(e);
                throw again;
            }
        }
    }

    /**
     * A struct_ops map holds the kernel's value type, named by its vmlinux BTF id; the kernel still wants the
     * object's BTF with it. The value is written by {@link #writeStructOps()} once the programs exist.
     */
    private BpfMap createStructOps(MapSpec mapSpec, StructOpsLayout layout) {
        if (btfHandle == null) {
            throw new BpfException("struct_ops map '" + mapSpec.name() + "' needs the object's BTF in the kernel, "
                    + "but it could not be loaded (BPF_BTF_LOAD is not supported)");
        }
        MapSpec kernelLayout = mapSpec.copy().valueSize(layout.valueSize()).valueType(null).contents(List.of());
        return BpfMap.create(kernelLayout, new BpfMap.MapBtf(btfHandle.fd(), 0, 0, layout.valueTypeId()));
    }

    /** The spec minus initial entries that name programs or maps; those are written once everything exists. */
    private static MapSpec withoutReferences(MapSpec mapSpec) {
        if (mapSpec.contents().stream().noneMatch(e -> e.value() instanceof String)) {
            return mapSpec;
        }
        MapSpec copy = mapSpec.copy();
        copy.contents(mapSpec.contents().stream().filter(e -> !(e.value() instanceof String)).toList());
        if (mapSpec.freeze()) {
            copy.freeze(false); // frozen after the references are written
        }
        return copy;
    }

    private BpfMap pinnedMap(MapSpec mapSpec) {
        Path path = Path.of(options.pinPath() == null ? DEFAULT_PIN_PATH : options.pinPath(), mapSpec.name());
        if (Files.exists(path)) {
            BpfMap existing = BpfMap.loadPinned(path.toString());
            try {
                requireCompatible(mapSpec, existing.info(), "map pinned at " + path);
            } catch (RuntimeException e) {
                existing.close();
                throw e;
            }
            return existing;
        }
        try {
            Files.createDirectories(path.getParent());
        } catch (IOException e) {
            throw new BpfException("cannot create pin directory " + path.getParent() + ": " + e.getMessage(), e);
        }
        BpfMap map = create(mapSpec);
        try {
            map.pin(path.toString());
        } catch (RuntimeException e) {
            map.close();
            throw e;
        }
        return map;
    }

    /** Like libbpf's reuse check: the kernel object must match what the object file declares. */
    private static void requireCompatible(MapSpec wanted, MapInfo actual, String what) {
        List<String> diff = new ArrayList<>();
        if (actual.type() != wanted.type()) {
            diff.add("type " + actual.type() + " != " + wanted.type());
        }
        if (actual.keySize() != wanted.keySize()) {
            diff.add("key size " + actual.keySize() + " != " + wanted.keySize());
        }
        if (actual.valueSize() != wanted.valueSize()) {
            diff.add("value size " + actual.valueSize() + " != " + wanted.valueSize());
        }
        int wantedMax = wanted.type() == MapType.PERF_EVENT_ARRAY && wanted.maxEntries() == 0
                ? actual.maxEntries() : wanted.maxEntries();
        if (actual.maxEntries() != wantedMax) {
            diff.add("max entries " + actual.maxEntries() + " != " + wantedMax);
        }
        if (actual.flags() != wanted.flags()) {
            diff.add("flags 0x" + Integer.toHexString(actual.flags()) + " != 0x" + Integer.toHexString(wanted.flags()));
        }
        if (!diff.isEmpty()) {
            throw new BpfException("the " + what + " is incompatible with map '" + wanted.name() + "' of the object: "
                    + String.join(", ", diff) + " (existing vs. declared); remove the pin to recreate the map");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Programs

    private void loadPrograms(List<Prepared> prepared) {
        for (Prepared p : prepared) {
            ProgramSpec resolved = p.spec().copy().instructions(resolve(p.spec(), p.instructions()));
            programs.put(p.spec().name(), BpfProgram.load(resolved, options.programs(), extras(p)));
        }
    }

    /** Replaces map names with descriptors, kfunc and ksym names with kernel BTF ids or addresses. */
    private Instructions resolve(ProgramSpec program, Instructions code) {
        List<Instruction> out = new ArrayList<>(code.size());
        for (Instruction insn : code) {
            String ref = insn.reference();
            if (ref != null && insn.isLoadFromMap()) {
                BpfMap map = maps.get(ref);
                if (map == null) {
                    MapSpec declared = spec.maps().get(ref);
                    throw new BpfException("program '" + program.name() + "' uses map '" + ref + "', "
                            + (declared != null && !declared.autocreate()
                                    ? "whose autocreate is off: turn the program's autoload off, or create the map"
                                    : "which the collection does not define; maps: " + maps.keySet()));
                }
                long fd = map.fd();
                insn = insn.withConstant(insn.src().number() == Instruction.PSEUDO_MAP_VALUE
                        ? (insn.constant() & 0xffff_ffff_0000_0000L) | fd : fd);
            } else if (ref != null && insn.isKfuncCall() && insn.constant() == -1) {
                insn = insn.withConstant(kernelFunctionId(program, ref));
            } else if (ref != null && insn.isLoadImm64() && spec.externs().containsKey(ref)) {
                insn = resolveKsym(program, insn, spec.externs().get(ref));
            }
            out.add(insn);
        }
        return Instructions.of(out);
    }

    private int kernelFunctionId(ProgramSpec program, String name) {
        return kernelBtf().typeIdByName(name, Func.class)
                .orElseThrow(() -> new NotSupportedException("kfunc " + name, "program '" + program.name()
                        + "' calls kernel function '" + name + "', which this kernel's BTF does not have"));
    }

    private Instruction resolveKsym(ProgramSpec program, Instruction insn, ObjectReader.ExternVariable extern) {
        Type type = Types.skipQualifiers(extern.type());
        if (!(type instanceof io.ebpf4j.btf.Void)) {
            // Typed ksym: the verifier knows the variable by its BTF id.
            int id = kernelBtf().typeIdByName(extern.name(), Var.class)
                    .orElseThrow(() -> new NotSupportedException("ksym " + extern.name(), "program '"
                            + program.name() + "' uses kernel variable '" + extern.name()
                            + "', which this kernel's BTF does not describe"));
            return insn.withSrc(Register.of(Instruction.PSEUDO_BTF_ID)).withConstant(id);
        }
        Long address = Kallsyms.addresses(Set.of(extern.name())).get(extern.name());
        if (address == null) {
            if (extern.weak()) {
                return insn.withConstant(0);
            }
            throw new NotSupportedException("ksym " + extern.name(), "program '" + program.name()
                    + "' needs the address of kernel symbol '" + extern.name() + "', which /proc/kallsyms does not"
                    + " list (data symbols need CONFIG_KALLSYMS_ALL)");
        }
        return insn.withConstant(address);
    }

    /** BTF attach targets the kernel wants at load time for tracing-style and struct_ops programs. */
    private BpfProgram.LoadExtras extras(Prepared prepared) {
        ProgramSpec program = prepared.spec();
        int attachBtfId = 0;
        int expectedAttachType = -1;
        String target = program.attachTo();
        if (program.type() == ProgramType.STRUCT_OPS) {
            StructOpsMember member = structOpsMembers.get(program.name()); // resolveStructOps checked it exists
            attachBtfId = member.structTypeId();
            expectedAttachType = member.index();
        } else if (target != null && !target.isEmpty()) {
            switch (program.type()) {
                case TRACING:
                    attachBtfId = program.attachType() == AttachType.TRACE_RAW_TP
                            ? kernelTypeId(program, "btf_trace_" + target, Typedef.class)
                            : program.attachType() == AttachType.TRACE_ITER
                                    ? kernelTypeId(program, "bpf_iter_" + target, Func.class)
                                    : kernelTypeId(program, target, Func.class);
                    break;
                case LSM:
                    attachBtfId = kernelTypeId(program, "bpf_lsm_" + target, Func.class);
                    break;
                case EXT:
                    attachBtfId = targetProgramFunction(program, target);
                    break;
                default:
                    break;
            }
        }
        // The target program's fd is only read during the load, which happens while the spec holds the program.
        int attachProgFd = program.type() == ProgramType.EXT && program.attachProgram() != null
                ? program.attachProgram().fd() : -1;
        if (btfHandle == null) {
            return new BpfProgram.LoadExtras(-1, null, 0, 0, null, 0, 0, attachBtfId, -1, attachProgFd,
                    expectedAttachType);
        }
        return new BpfProgram.LoadExtras(btfHandle.fd(), prepared.funcInfo(), ExtInfo.FUNC_INFO_SIZE,
                prepared.funcInfoCount(), prepared.lineInfo(), ExtInfo.LINE_INFO_SIZE, prepared.lineInfoCount(),
                attachBtfId, -1, attachProgFd, expectedAttachType);
    }

    /** The BTF id of function {@code name} in the BTF of the program a freplace program replaces it in. */
    private static int targetProgramFunction(ProgramSpec program, String name) {
        BpfProgram target = program.attachProgram();
        if (target == null) {
            throw new BpfException("freplace program '" + program.name() + "' replaces function '" + name
                    + "' of another program: set that program with ProgramSpec.attachProgram before loading");
        }
        int btfId = target.info().btfId();
        if (btfId == 0) {
            throw new BpfException("freplace program '" + program.name() + "': the target program has no BTF, so"
                    + " its functions cannot be replaced (load it from an object built with -g)");
        }
        try (Handle btf = Handle.fromId(btfId)) {
            Spec spec = btf.spec();
            return spec.typeIdByName(name, Func.class)
                    .orElseThrow(() -> new BpfException("freplace program '" + program.name() + "': the target"
                            + " program has no function '" + name + "' (only global functions can be replaced)"));
        }
    }

    private int kernelTypeId(ProgramSpec program, String name, Class<? extends Type> kind) {
        return kernelBtf().typeIdByName(name, kind)
                .orElseThrow(() -> new NotSupportedException(program.hookName() + " " + program.attachTo(),
                        "program '" + program.name() + "' (section " + program.sectionName() + ") attaches to '"
                                + program.attachTo() + "', but this kernel's BTF has no " + name));
    }

    // ---------------------------------------------------------------------------------------------------------
    // struct_ops

    /** A member of a kernel struct_ops type: a program implementing it is loaded with these as attach target. */
    private record StructOpsMember(int structTypeId, int index, String name) {}

    /**
     * Whether {@code program} is a struct_ops program that only maps left uncreated call: like libbpf (1.4+), it is
     * then not loaded, so that leaving out an ops struct leaves out its programs.
     */
    private boolean onlyUncreatedMapsCall(ProgramSpec program) {
        if (program.type() != ProgramType.STRUCT_OPS) {
            return false;
        }
        boolean calledByUncreated = false;
        for (MapSpec map : spec.maps().values()) {
            if (map.structOpsPrograms().containsValue(program.name())) {
                if (map.autocreate()) {
                    return false;
                }
                calledByUncreated = true;
            }
        }
        return calledByUncreated;
    }

    /**
     * Matches every struct_ops map with the kernel's struct and finds the member each struct_ops program
     * implements, before anything is created, so that an object the kernel cannot take fails without side effects.
     */
    private void resolveStructOps() {
        for (MapSpec mapSpec : spec.maps().values()) {
            if (mapSpec.type() != MapType.STRUCT_OPS || !mapSpec.autocreate()
                    || options.mapReplacements().containsKey(mapSpec.name())) {
                continue;
            }
            StructOpsLayout layout = StructOpsLayout.of(mapSpec, kernelBtf());
            structOps.put(mapSpec.name(), layout);
            for (StructOpsLayout.ProgramSlot slot : layout.programSlots()) {
                ProgramSpec program = spec.programs().get(slot.program());
                if (program == null || program.type() != ProgramType.STRUCT_OPS || !program.autoload()) {
                    throw new BpfException("struct_ops map '" + mapSpec.name() + "': member '" + slot.member()
                            + "' calls '" + slot.program() + "', which is not a struct_ops program this collection "
                            + "loads" + (program != null && !program.autoload() ? " (its autoload is off)" : ""));
                }
                StructOpsMember member = new StructOpsMember(layout.structTypeId(), slot.memberIndex(),
                        layout.structName() + "." + slot.member());
                StructOpsMember previous = structOpsMembers.putIfAbsent(slot.program(), member);
                if (previous != null && !previous.equals(member)) {
                    throw new BpfException("struct_ops program '" + slot.program() + "' implements both "
                            + previous.name() + " and " + member.name() + ", but the kernel loads a struct_ops "
                            + "program for a single member: give each member its own program");
                }
            }
        }
        for (ProgramSpec program : spec.programs().values()) {
            if (program.type() == ProgramType.STRUCT_OPS && program.autoload()
                    && !structOpsMembers.containsKey(program.name()) && !onlyUncreatedMapsCall(program)) {
                throw new BpfException("struct_ops program '" + program.name() + "' (section "
                        + program.sectionName() + ") is not called by any struct_ops map of the collection: "
                        + "set it in a SEC(\".struct_ops\") variable, or turn its autoload off");
            }
        }
    }

    /**
     * Lays out each struct_ops map's value as the kernel's struct, with the programs' descriptors. A
     * {@code .struct_ops.link} map stores it now (that registers nothing, and lets {@code Links.structOps} link the
     * map); a {@code .struct_ops} map would register by storing it, so it is kept for
     * {@link BpfCollection#attachStructOps}, like libbpf's {@code bpf_map__attach_struct_ops}.
     */
    private void writeStructOps() {
        structOps.forEach((name, layout) -> {
            BpfMap map = maps.get(name);
            byte[] value = layout.kernelValue(programs);
            if ((map.flags() & MapFlags.LINK) == 0) {
                structOpsValues.put(name, new BpfCollection.StructOpsValue(layout.structName(), value));
                return;
            }
            try {
                map.put(new byte[4], value);
            } catch (BpfException e) {
                throw BpfCollection.structOpsError("store the value of", name, layout.structName(), e);
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // Contents that name other objects

    private void writeReferencingContents() {
        for (MapSpec mapSpec : spec.maps().values()) {
            BpfMap map = maps.get(mapSpec.name());
            if (map == null) {
                continue; // left uncreated (autocreate off)
            }
            boolean wroteAny = false;
            for (MapSpec.Entry entry : mapSpec.contents()) {
                if (!(entry.value() instanceof String)) {
                    continue;
                }
                String name = (String) entry.value();
                KernelObject target = mapSpec.type() == MapType.PROG_ARRAY ? programs.get(name) : maps.get(name);
                if (target == null) {
                    throw new BpfException("map '" + mapSpec.name() + "' slot " + entry.key() + " refers to '" + name
                            + "', which is not a loaded " + (mapSpec.type() == MapType.PROG_ARRAY ? "program"
                            : "map") + " of this collection");
                }
                ByteBuffer key = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder())
                        .putInt(((Number) entry.key()).intValue());
                ByteBuffer value = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder())
                        .putInt(target.fd());
                map.put(key.array(), value.array());
                wroteAny = true;
            }
            if (wroteAny && mapSpec.freeze()) {
                map.freeze();
            }
        }
    }
}
