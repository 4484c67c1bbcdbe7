package io.ebpf4j.internal.elf;

import io.ebpf4j.AttachType;
import io.ebpf4j.ProgramType;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a program's ELF section name means under libbpf's conventions: see {@link SectionDefinitions#classify}.
 *
 * @param sectionName  the section name as found in the file, including a leading {@code ?}
 * @param definition   the entry of libbpf's table that matched, e.g. {@code "tp+"} or {@code "cgroup/connect4"}:
 *                     tells aliases apart ({@code tp+} vs {@code tracepoint+})
 * @param programType  the program type to load with
 * @param attachType   the expected attach type to load with; {@link AttachType#NONE} when there is none
 * @param attachTarget the text after the definition's prefix and its {@code /} (for {@code
 *                     tracepoint/syscalls/sys_enter_openat}: {@code syscalls/sys_enter_openat}); {@code null} when
 *                     the name has no such part, empty when the name ends in the {@code /}
 * @param autoload     false for names starting with {@code ?}: the program is not loaded unless asked for
 * @param flags        libbpf's per-definition flags
 * @param autoAttach   how libbpf attaches such a program automatically, {@link AutoAttach#NONE} when it does not
 * @param retprobe     whether the probe fires on return ({@code kretprobe}, {@code uretprobe*},
 *                     {@code kretprobe.multi}, {@code kretsyscall})
 * @param session      whether this is a session program ({@code kprobe.session}, {@code uprobe.session*},
 *                     {@code fsession*}), which runs on both entry and return
 */
public record ProgramSection(String sectionName, String definition, ProgramType programType, AttachType attachType,
        String attachTarget, boolean autoload, Set<Flag> flags, AutoAttach autoAttach, boolean retprobe,
        boolean session) {

    /** {@code BPF_F_SLEEPABLE}, a {@code BPF_PROG_LOAD} flag. */
    public static final int BPF_F_SLEEPABLE = 1 << 4;
    /** {@code BPF_F_XDP_HAS_FRAGS}, a {@code BPF_PROG_LOAD} flag. */
    public static final int BPF_F_XDP_HAS_FRAGS = 1 << 5;

    /** The flags of libbpf's section table ({@code enum sec_def_flags}). */
    public enum Flag {
        /** The expected attach type may be dropped on kernels that do not accept one for this program type. */
        EXPECTED_ATTACH_TYPE_OPTIONAL,
        /**
         * Historically attachable with {@code BPF_PROG_ATTACH}; libbpf keeps it only for its type-name listing and
         * does not act on it.
         */
        ATTACHABLE,
        /**
         * The attach target is a BTF id (a kernel function, tracepoint, LSM hook or BPF program) resolved before
         * loading: loading fails unless the section name or the caller names a target.
         */
        ATTACH_BTF,
        /** The program may sleep: load with {@link #BPF_F_SLEEPABLE}. */
        SLEEPABLE,
        /** An XDP program that handles multi-buffer packets: load with {@link #BPF_F_XDP_HAS_FRAGS}. */
        XDP_FRAGS,
        /**
         * A USDT probe: libbpf loads it with attach type {@link AttachType#TRACE_UPROBE_MULTI} when the kernel
         * supports uprobe-multi links, and with no attach type otherwise.
         */
        USDT
    }

    /** The attach logic libbpf uses for a section when a whole object is attached automatically. */
    public enum AutoAttach {
        /** Not attached automatically: needs a link target the name cannot give (interface, cgroup, socket...). */
        NONE,
        /** {@code kprobe/func[+offset]}, {@code kretprobe/func}. */
        KPROBE,
        /** {@code uprobe/path:func[+offset]} and return / sleepable variants. */
        UPROBE,
        /** {@code kprobe.multi/pattern}, {@code kretprobe.multi/pattern}, {@code kprobe.session/pattern}. */
        KPROBE_MULTI,
        /** {@code uprobe.multi/path:pattern}, return, session and sleepable variants. */
        UPROBE_MULTI,
        /** {@code ksyscall/name}, {@code kretsyscall/name}: a kprobe on the architecture's syscall entry symbol. */
        KSYSCALL,
        /** {@code usdt/path:provider:name}. */
        USDT,
        /** {@code tracepoint/category/name} (alias {@code tp/}). */
        TRACEPOINT,
        /** {@code raw_tracepoint/name} (alias {@code raw_tp/}), writable and sleepable variants. */
        RAW_TRACEPOINT,
        /** A BTF-attached tracing program: {@code tp_btf}, {@code fentry}, {@code fexit}, {@code fmod_ret}, ... */
        TRACING,
        /** {@code fentry.multi/pattern} and friends. */
        TRACING_MULTI,
        /** {@code lsm/hook}. */
        LSM,
        /** {@code iter/target}: a BPF iterator link. */
        ITER
    }

    public ProgramSection {
        Objects.requireNonNull(sectionName, "sectionName");
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(programType, "programType");
        Objects.requireNonNull(attachType, "attachType");
        Objects.requireNonNull(autoAttach, "autoAttach");
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
    }

    /** Whether the program may sleep ({@code .s} variants, {@code syscall}). */
    public boolean sleepable() {
        return flags.contains(Flag.SLEEPABLE);
    }

    /** Whether this is an XDP program that supports fragments ({@code xdp.frags...}). */
    public boolean xdpFrags() {
        return flags.contains(Flag.XDP_FRAGS);
    }

    /** Whether this is a USDT probe (see {@link Flag#USDT}). */
    public boolean usdt() {
        return flags.contains(Flag.USDT);
    }

    /** Whether the attach target must be known, as a BTF id, before the program can be loaded. */
    public boolean requiresBtfAttachTarget() {
        return flags.contains(Flag.ATTACH_BTF);
    }

    /**
     * Whether the expected attach type may be dropped on old kernels (see {@link Flag#EXPECTED_ATTACH_TYPE_OPTIONAL}).
     */
    public boolean attachTypeOptional() {
        return flags.contains(Flag.EXPECTED_ATTACH_TYPE_OPTIONAL);
    }

    /** The {@code BPF_PROG_LOAD} {@code prog_flags} libbpf derives from the section: sleepable, XDP fragments. */
    public int programFlags() {
        return (sleepable() ? BPF_F_SLEEPABLE : 0) | (xdpFrags() ? BPF_F_XDP_HAS_FRAGS : 0);
    }

    /** A tracepoint named by {@code tracepoint/<group>/<name>}. */
    public record TracepointTarget(String group, String name) {}

    /** A kernel function named by {@code kprobe/<function>[+<offset>]}. */
    public record KprobeTarget(String function, long offset) {}

    /** A user function named by {@code uprobe/[<binary>:]<symbol>[+<offset>]}; {@code binary} is null if absent. */
    public record UprobeTarget(String binary, String symbol, long offset) {}

    /** A USDT probe named by {@code usdt/<binary>:<provider>:<name>}. */
    public record UsdtTarget(String binary, String provider, String name) {}

    /**
     * The tracepoint of a {@code tracepoint/} or {@code tp/} section.
     *
     * @throws IllegalArgumentException if the target is not of the form {@code group/name}
     */
    public TracepointTarget tracepointTarget() {
        String target = requireTarget();
        int slash = target.indexOf('/');
        if (slash <= 0 || slash == target.length() - 1) {
            throw new IllegalArgumentException("tracepoint '" + target + "' of section " + sectionName
                    + " is not of the form group/name (e.g. syscalls/sys_enter_openat)");
        }
        return new TracepointTarget(target.substring(0, slash), target.substring(slash + 1));
    }

    /**
     * The function and offset of a {@code kprobe/}, {@code kretprobe/} or {@code ksyscall/} section, as libbpf parses
     * {@code function[+offset]}.
     *
     * @throws IllegalArgumentException if the offset is not a number
     */
    public KprobeTarget kprobeTarget() {
        String target = requireTarget();
        int plus = target.indexOf('+');
        return plus > 0 ? new KprobeTarget(target.substring(0, plus), offset(target.substring(plus + 1)))
                : new KprobeTarget(target, 0);
    }

    /**
     * The binary, symbol and offset of a {@code uprobe/} or {@code uretprobe/} section ({@code binary:symbol[+offset]},
     * the binary a path or a library name).
     *
     * @throws IllegalArgumentException if the offset is not a number
     */
    public UprobeTarget uprobeTarget() {
        String target = requireTarget();
        int colon = target.lastIndexOf(':');
        String binary = colon > 0 ? target.substring(0, colon) : null;
        String rest = colon >= 0 ? target.substring(colon + 1) : target;
        int plus = rest.indexOf('+');
        return plus >= 0 ? new UprobeTarget(binary, rest.substring(0, plus), offset(rest.substring(plus + 1)))
                : new UprobeTarget(binary, rest, 0);
    }

    /**
     * The binary and probe of a {@code usdt/} section.
     *
     * @throws IllegalArgumentException if the target is not of the form {@code binary:provider:name}
     */
    public UsdtTarget usdtTarget() {
        String target = requireTarget();
        int last = target.lastIndexOf(':');
        int middle = last > 0 ? target.lastIndexOf(':', last - 1) : -1;
        if (middle <= 0 || last == target.length() - 1 || last == middle + 1) {
            throw new IllegalArgumentException("USDT target '" + target + "' of section " + sectionName
                    + " is not of the form binary:provider:name");
        }
        return new UsdtTarget(target.substring(0, middle), target.substring(middle + 1, last),
                target.substring(last + 1));
    }

    private String requireTarget() {
        if (attachTarget == null || attachTarget.isEmpty()) {
            throw new IllegalArgumentException("section " + sectionName + " names no attach target");
        }
        return attachTarget;
    }

    private long offset(String text) {
        try {
            return Long.decode(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("offset '" + text + "' in section " + sectionName
                    + " is not a number", e);
        }
    }

    /**
     * Whether the section name carries what libbpf needs to attach the program by itself: an attach logic and a
     * non-empty target. A bare {@code SEC("kprobe")} or {@code SEC("fentry")} is valid but must be attached (or
     * given a target) explicitly.
     */
    public boolean autoAttachable() {
        return autoAttach != AutoAttach.NONE && attachTarget != null && !attachTarget.isEmpty();
    }
}
