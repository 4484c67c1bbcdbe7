package io.ebpf4j.btf;

import io.ebpf4j.BpfException;
import io.ebpf4j.NotSupportedException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The running kernel's BTF ({@code /sys/kernel/btf/vmlinux}, or the file {@link Spec#KERNEL_BTF_PROPERTY} names) and
 * its loaded modules' split BTF, each parsed once and kept for the life of the process.
 */
final class KernelBtf {
    private static final Path SYS_KERNEL_BTF = Path.of("/sys/kernel/btf");
    private static volatile Spec vmlinux;
    private static final Map<String, Spec> MODULES = new ConcurrentHashMap<>();

    private KernelBtf() {}

    static Spec vmlinux() {
        Spec k = vmlinux;
        if (k == null) {
            synchronized (KernelBtf.class) {
                k = vmlinux;
                if (k == null) {
                    k = load();
                    vmlinux = k;
                }
            }
        }
        return k;
    }

    private static Spec load() {
        String configured = System.getProperty(Spec.KERNEL_BTF_PROPERTY);
        Path path = configured != null ? Path.of(configured) : SYS_KERNEL_BTF.resolve("vmlinux");
        try {
            return Spec.parse(Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            throw new NotSupportedException("kernel BTF", "no kernel BTF at " + path
                    + ": the kernel was built without CONFIG_DEBUG_INFO_BTF; set the system property "
                    + Spec.KERNEL_BTF_PROPERTY + " to a BTF file for this kernel");
        } catch (IOException e) {
            throw new BpfException("cannot read kernel BTF from " + path + ": " + e, e);
        }
    }

    static Optional<Spec> module(String module) {
        if (module.isEmpty() || module.equals("vmlinux") || module.contains("/")
                || System.getProperty(Spec.KERNEL_BTF_PROPERTY) != null) {
            return Optional.empty();
        }
        Spec cached = MODULES.get(module);
        if (cached != null) {
            return Optional.of(cached);
        }
        Path path = SYS_KERNEL_BTF.resolve(module);
        byte[] raw;
        try {
            raw = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BpfException("cannot read module BTF from " + path + ": " + e, e);
        }
        return Optional.of(MODULES.computeIfAbsent(module, m -> Spec.parseSplit(raw, vmlinux())));
    }

    static List<String> modules() {
        List<String> modules = new ArrayList<>();
        if (System.getProperty(Spec.KERNEL_BTF_PROPERTY) != null || !Files.isDirectory(SYS_KERNEL_BTF)) {
            return modules;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(SYS_KERNEL_BTF)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.equals("vmlinux")) {
                    modules.add(name);
                }
            }
        } catch (IOException e) {
            throw new BpfException("cannot list " + SYS_KERNEL_BTF + ": " + e, e);
        }
        modules.sort(null);
        return modules;
    }
}
