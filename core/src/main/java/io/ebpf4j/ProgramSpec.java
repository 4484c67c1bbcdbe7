package io.ebpf4j;

import io.ebpf4j.asm.Instructions;

import java.util.Locale;
import java.util.Objects;

/**
 * Blueprint of a program: its instructions and everything the kernel needs to load it. Mutable so that
 * instructions, types or names can be changed before loading; {@link #copy()} gives an independent copy.
 */
public final class ProgramSpec {
    /** {@code BPF_F_SLEEPABLE}: the program may sleep (".s" sections). */
    public static final int F_SLEEPABLE = 1 << 4;
    /** {@code BPF_F_XDP_HAS_FRAGS}: an XDP program that handles multi-buffer packets (".frags" sections). */
    public static final int F_XDP_HAS_FRAGS = 1 << 5;

    private String name;
    private String sectionName = "";
    private ProgramType type;
    private AttachType attachType = AttachType.NONE;
    private String attachTo;
    private BpfProgram attachProgram;
    private Instructions instructions;
    private String license = "GPL";
    private int kernelVersion;
    private int flags;
    private boolean autoload = true;

    public ProgramSpec(String name, ProgramType type, Instructions instructions) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.instructions = Objects.requireNonNull(instructions, "instructions");
    }

    public String name() {
        return name;
    }

    public ProgramSpec name(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    /** The ELF section the program came from ({@code SEC("...")}), or empty for hand-written programs. */
    public String sectionName() {
        return sectionName;
    }

    public ProgramSpec sectionName(String sectionName) {
        this.sectionName = Objects.requireNonNull(sectionName, "sectionName");
        return this;
    }

    public ProgramType type() {
        return type;
    }

    public ProgramSpec type(ProgramType type) {
        this.type = Objects.requireNonNull(type, "type");
        return this;
    }

    /** The expected attach type passed at load time, {@link AttachType#NONE} when the program type has none. */
    public AttachType attachType() {
        return attachType;
    }

    public ProgramSpec attachType(AttachType attachType) {
        this.attachType = Objects.requireNonNull(attachType, "attachType");
        return this;
    }

    /**
     * What the program attaches to, from its section name: a kernel function for fentry/kprobe, {@code group/name}
     * for tracepoints, a BTF tracepoint for tp_btf, and so on; {@code null} when the section names none.
     */
    public String attachTo() {
        return attachTo;
    }

    public ProgramSpec attachTo(String attachTo) {
        this.attachTo = attachTo;
        return this;
    }

    /**
     * The loaded program a {@code freplace} ({@link ProgramType#EXT}) program replaces a function of: the function
     * is {@link #attachTo()}, looked up in this program's BTF. {@code null} unless set; an EXT program needs it.
     */
    public BpfProgram attachProgram() {
        return attachProgram;
    }

    public ProgramSpec attachProgram(BpfProgram attachProgram) {
        this.attachProgram = attachProgram;
        return this;
    }

    public Instructions instructions() {
        return instructions;
    }

    public ProgramSpec instructions(Instructions instructions) {
        this.instructions = Objects.requireNonNull(instructions, "instructions");
        return this;
    }

    /** The license the kernel checks before allowing GPL-only helpers. */
    public String license() {
        return license;
    }

    public ProgramSpec license(String license) {
        this.license = Objects.requireNonNull(license, "license");
        return this;
    }

    /** {@code kern_version}; only kernels before 5.0 check it for kprobes. */
    public int kernelVersion() {
        return kernelVersion;
    }

    public ProgramSpec kernelVersion(int kernelVersion) {
        this.kernelVersion = kernelVersion;
        return this;
    }

    /** {@code BPF_F_*} program flags, e.g. {@link #F_SLEEPABLE}. */
    public int flags() {
        return flags;
    }

    public ProgramSpec flags(int flags) {
        this.flags = flags;
        return this;
    }

    /** Whether a collection loads this program ({@code false} for sections starting with {@code ?}). */
    public boolean autoload() {
        return autoload;
    }

    public ProgramSpec autoload(boolean autoload) {
        this.autoload = autoload;
        return this;
    }

    /** The hook kind as users know it: the section prefix ({@code fentry}, {@code kprobe}, ...) or the type. */
    public String hookName() {
        int slash = sectionName.indexOf('/');
        String prefix = slash < 0 ? sectionName : sectionName.substring(0, slash);
        return prefix.isEmpty() ? type.name().toLowerCase(Locale.ROOT) : prefix;
    }

    public ProgramSpec copy() {
        ProgramSpec copy = new ProgramSpec(name, type, instructions);
        copy.sectionName = sectionName;
        copy.attachType = attachType;
        copy.attachTo = attachTo;
        copy.attachProgram = attachProgram;
        copy.license = license;
        copy.kernelVersion = kernelVersion;
        copy.flags = flags;
        copy.autoload = autoload;
        return copy;
    }

    @Override
    public String toString() {
        return "ProgramSpec[" + name + ", " + type + (sectionName.isEmpty() ? "" : ", section " + sectionName)
                + ", " + instructions.size() + " instructions]";
    }
}
