package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.spring.autoconfigure.AttachKind.Family;
import org.springframework.validation.Errors;

import java.util.Map;

/**
 * Checks of {@code ebpf.*} that need neither the BPF object nor the kernel, run when the properties are bound so that
 * mistakes are reported like any other binding error, naming the property. Checks against the object's contents
 * (unknown program, map or constant names) happen when the object is read.
 */
final class EbpfPropertiesValidation {
    private EbpfPropertiesValidation() {}

    static void validate(EbpfProperties properties, Errors errors) {
        for (Map.Entry<String, EbpfProperties.CollectionProperties> entry : properties.getCollections().entrySet()) {
            String path = "collections[" + entry.getKey() + "]";
            EbpfProperties.CollectionProperties collection = entry.getValue();
            if (collection.getObject() == null) {
                errors.rejectValue(path + ".object", "ebpf.object.missing",
                        "must name the BPF ELF object, e.g. classpath:bpf/" + entry.getKey() + ".bpf.o");
            }
            collection.getPrograms().forEach((name, program) ->
                    validateProgram(path + ".programs[" + name + "]", program, errors));
        }
    }

    private static void validateProgram(String path, EbpfProperties.Program program, Errors errors) {
        Family family = program.getAttach().family();
        if (family == Family.CGROUP && program.getCgroup() == null) {
            errors.rejectValue(path + ".cgroup", "ebpf.cgroup.missing",
                    "must be set for attach '" + program.getAttach() + "': 'self' or a cgroup v2 directory");
        }
        if ((family == Family.XDP || family == Family.TCX || family == Family.SOCKET_FILTER)
                && isBlank(program.getInterface())) {
            errors.rejectValue(path + ".interface", "ebpf.interface.missing",
                    "must name a network interface for attach '" + program.getAttach() + "'");
        }
        if (program.getPid() != null && !isProcessId(program.getPid())) {
            errors.rejectValue(path + ".pid", "ebpf.pid.invalid", "must be 'self' or a positive process id");
        }
        if (program.getOffset() < 0) {
            errors.rejectValue(path + ".offset", "ebpf.offset.negative", "must not be negative");
        }
        EbpfProperties.PerfEvent perfEvent = program.getPerfEvent();
        if ((perfEvent.getFrequency() != null && perfEvent.getFrequency() <= 0)
                || (perfEvent.getPeriod() != null && perfEvent.getPeriod() <= 0)) {
            errors.rejectValue(path + ".perf-event", "ebpf.perf-event.invalid",
                    "frequency and period must be positive");
        }
        int priority = program.getNetfilter().getPriority();
        if (priority == Integer.MIN_VALUE || priority == Integer.MAX_VALUE) {
            errors.rejectValue(path + ".netfilter.priority", "ebpf.netfilter.priority.reserved",
                    "netfilter reserves the smallest and largest priorities");
        }
    }

    private static boolean isProcessId(String pid) {
        if (pid.equals("self")) {
            return true;
        }
        try {
            return Integer.parseInt(pid) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
