package io.ebpf4j;

import io.ebpf4j.internal.elf.ProgramSection;
import io.ebpf4j.internal.elf.SectionDefinitions;
import io.ebpf4j.link.BpfLink;
import io.ebpf4j.link.Executable;
import io.ebpf4j.link.KprobeOptions;
import io.ebpf4j.link.Links;
import io.ebpf4j.link.UprobeOptions;
import io.ebpf4j.link.UsdtOptions;

import java.util.Optional;

/**
 * Attaches a program where its section name says, as libbpf's {@code bpf_program__attach} does: tracepoints, raw
 * tracepoints, BTF tracing and LSM programs, iterators, kprobes and ksyscalls, uprobes and USDT probes of a named
 * binary (every process, libbpf's pid -1). Other hooks need a target only the application knows.
 */
final class AutoAttach {
    private AutoAttach() {}

    /** The section's meaning if libbpf would attach a program of it by itself, else empty. */
    static Optional<ProgramSection> attachable(String sectionName) {
        return SectionDefinitions.classify(sectionName).filter(AutoAttach::supported);
    }

    private static boolean supported(ProgramSection section) {
        switch (section.autoAttach()) {
            case TRACING:
            case LSM:
            case ITER:
                return true; // their target was resolved when the program was loaded
            case UPROBE:
                return section.autoAttachable() && section.attachTarget().lastIndexOf(':') > 0; // names a binary
            case TRACEPOINT:
            case RAW_TRACEPOINT:
            case KPROBE:
            case KSYSCALL:
            case USDT:
                return section.autoAttachable();
            default:
                return false; // multi-probes, and hooks whose target the name cannot carry
        }
    }

    static BpfLink attach(BpfProgram program) {
        ProgramSection section = attachable(program.sectionName()).orElseThrow(() -> new NotSupportedException(
                "auto-attach of " + (program.sectionName().isEmpty() ? program.type() : program.sectionName()),
                "program '" + program.name() + "'" + (program.sectionName().isEmpty() ? " has no section name"
                        : " (section " + program.sectionName() + ")")
                        + " cannot be attached from its section name: it names no target libbpf attaches to by"
                        + " itself; attach it with the Links factory for its hook"));
        try {
            switch (section.autoAttach()) {
                case TRACEPOINT: {
                    ProgramSection.TracepointTarget tracepoint = section.tracepointTarget();
                    return Links.tracepoint(tracepoint.group(), tracepoint.name(), program);
                }
                case RAW_TRACEPOINT:
                    return Links.rawTracepoint(section.attachTarget(), program);
                case ITER:
                    return Links.iter(program);
                case KPROBE:
                case KSYSCALL: {
                    ProgramSection.KprobeTarget kprobe = section.kprobeTarget();
                    String symbol = section.autoAttach() == ProgramSection.AutoAttach.KSYSCALL
                            ? Links.syscallSymbol(kprobe.function()) : kprobe.function();
                    KprobeOptions options = KprobeOptions.defaults().withOffset(kprobe.offset());
                    return section.retprobe() ? Links.kretprobe(symbol, program, options)
                            : Links.kprobe(symbol, program, options);
                }
                case UPROBE: {
                    ProgramSection.UprobeTarget uprobe = section.uprobeTarget();
                    UprobeOptions options = UprobeOptions.defaults().withOffset(uprobe.offset());
                    Executable binary = executable(uprobe.binary());
                    return section.retprobe() ? Links.uretprobe(binary, uprobe.symbol(), program, options)
                            : Links.uprobe(binary, uprobe.symbol(), program, options);
                }
                case USDT: {
                    ProgramSection.UsdtTarget usdt = section.usdtTarget();
                    return Links.usdt(executable(usdt.binary()), usdt.provider(), usdt.name(), program,
                            UsdtOptions.defaults());
                }
                default: // TRACING, LSM
                    return Links.tracing(program);
            }
        } catch (IllegalArgumentException e) {
            throw new BpfException("program '" + program.name() + "': " + e.getMessage(), e);
        }
    }

    /** libbpf's rule: a path if the name has a '/', else a library found like the dynamic linker finds it. */
    private static Executable executable(String binary) {
        return binary.contains("/") ? Executable.of(binary) : Executable.library(binary);
    }
}
