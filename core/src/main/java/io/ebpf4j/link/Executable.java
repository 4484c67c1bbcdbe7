package io.ebpf4j.link;

import io.ebpf4j.BpfException;
import io.ebpf4j.ElfFormatException;
import io.ebpf4j.internal.elf.ElfFile;
import io.ebpf4j.internal.elf.ProgramHeader;
import io.ebpf4j.internal.elf.Symbol;
import io.ebpf4j.internal.sys.Arch;
import io.ebpf4j.internal.sys.Errno;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * An executable or shared library to place uprobes and USDT probes in. Reads the file's ELF symbol tables
 * ({@code .symtab}, then {@code .dynsym}) and turns a function name into the file offset the kernel needs, through
 * the loadable segments ({@code PT_LOAD}) of the file. The file is read once, on first use.
 */
public final class Executable {
    private final Path path;
    private volatile ElfFile elf;

    private Executable(Path path) {
        this.path = path;
    }

    /** The executable or library at {@code path}. */
    public static Executable of(Path path) {
        Objects.requireNonNull(path, "path");
        Path absolute = path.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute)) {
            throw new BpfException("no executable at " + absolute, Errno.ENOENT);
        }
        return new Executable(absolute);
    }

    /** {@link #of(Path)} for a path string. */
    public static Executable of(String path) {
        return of(Path.of(path));
    }

    /**
     * A shared library by file name, e.g. {@code libc.so.6}, found like the dynamic loader would: in
     * {@code LD_LIBRARY_PATH}, then the standard library directories. A name with a slash is taken as a path.
     */
    public static Executable library(String fileName) {
        Objects.requireNonNull(fileName, "fileName");
        if (fileName.contains("/")) {
            return of(Path.of(fileName));
        }
        List<Path> searched = librarySearchPath();
        for (Path directory : searched) {
            Path candidate = directory.resolve(fileName);
            if (Files.isRegularFile(candidate)) {
                return of(candidate);
            }
        }
        throw new BpfException("no library " + fileName + " in " + searched
                + " (give its full path, e.g. from `ldconfig -p | grep " + fileName + "`)", Errno.ENOENT);
    }

    private static List<Path> librarySearchPath() {
        Set<Path> directories = new LinkedHashSet<>();
        String fromEnvironment = System.getenv("LD_LIBRARY_PATH");
        if (fromEnvironment != null) {
            for (String entry : fromEnvironment.split(":")) {
                if (!entry.isEmpty()) {
                    directories.add(Path.of(entry));
                }
            }
        }
        String multiarch = Arch.current().unameMachine + "-linux-gnu";
        for (String directory : new String[] {"/lib64", "/usr/lib64", "/lib/" + multiarch, "/usr/lib/" + multiarch,
                "/lib", "/usr/lib", "/usr/local/lib"}) {
            directories.add(Path.of(directory));
        }
        return new ArrayList<>(directories);
    }

    /** The file's absolute path, as passed to the kernel. */
    public Path path() {
        return path;
    }

    /**
     * The file offset of function {@code symbol}: where a uprobe on it goes. Symbol versions are ignored
     * ({@code memcpy} matches {@code memcpy@@GLIBC_2.14}); a global definition wins over a weak or local one.
     *
     * @throws BpfException if the file has no such function, or several different ones of that name
     */
    public long offset(String symbol) {
        Objects.requireNonNull(symbol, "symbol");
        ElfFile file = elf();
        // Address -> the best binding of the symbols there: 0 global, 1 weak, 2 local.
        Map<Long, Integer> candidates = new LinkedHashMap<>();
        for (List<Symbol> table : List.of(file.symbols(), file.dynamicSymbols())) {
            for (Symbol s : table) {
                if ((s.isFunction() || s.type() == Symbol.STT_GNU_IFUNC) && s.isDefinedInSection() && s.value() != 0
                        && unversioned(s.name()).equals(symbol)) {
                    candidates.merge(s.value(), preference(s), Math::min);
                }
            }
        }
        if (candidates.isEmpty()) {
            throw new BpfException("no function " + symbol + " in " + path + " (`nm -D " + path
                    + "` lists exported functions; a stripped binary has only those)", Errno.ENOENT);
        }
        int best = candidates.values().stream().min(Integer::compare).orElseThrow();
        List<Long> addresses = candidates.entrySet().stream().filter(e -> e.getValue() == best)
                .map(Map.Entry::getKey).toList();
        if (addresses.size() > 1) {
            throw new BpfException("function " + symbol + " is ambiguous in " + path + ": defined at "
                    + addresses.stream().map(a -> "0x" + Long.toHexString(a)).toList()
                    + "; attach by file offset instead");
        }
        long address = addresses.get(0);
        return fileOffset(address, true).orElseThrow(() -> new BpfException("function " + symbol + " at 0x"
                + Long.toHexString(address) + " lies in no executable loadable segment of " + path));
    }

    private static String unversioned(String name) {
        int at = name.indexOf('@');
        return at < 0 ? name : name.substring(0, at);
    }

    private static int preference(Symbol s) {
        return s.isGlobal() ? 0 : s.isWeak() ? 1 : 2;
    }

    /**
     * The file offset of a virtual address inside a loadable segment that is ({@code executable}) or is not
     * executable: code for probes, data for USDT semaphores.
     */
    OptionalLong fileOffset(long address, boolean executable) {
        for (ProgramHeader segment : elf().programHeaders()) {
            if (segment.isLoad() && segment.isExecutable() == executable && segment.containsFileBacked(address)) {
                return OptionalLong.of(address - segment.virtualAddress() + segment.offset());
            }
        }
        return OptionalLong.empty();
    }

    /** The parsed file, read on first use. */
    ElfFile elf() {
        ElfFile parsed = elf;
        if (parsed == null) {
            synchronized (this) {
                parsed = elf;
                if (parsed == null) {
                    parsed = parse();
                    elf = parsed;
                }
            }
        }
        return parsed;
    }

    private ElfFile parse() {
        ElfFile parsed;
        try {
            parsed = ElfFile.parse(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new BpfException("cannot read " + path + ": " + e.getMessage(), e);
        } catch (ElfFormatException e) {
            throw new BpfException(path + " is not an ELF64 executable or library: " + e.getMessage(), e);
        }
        int expected = Arch.current() == Arch.X86_64 ? ElfFile.EM_X86_64 : ElfFile.EM_AARCH64;
        if (parsed.machine() != expected) {
            throw new BpfException(path + " is built for ELF machine " + parsed.machine() + ", not for this "
                    + Arch.current().unameMachine + " machine (" + expected + ")");
        }
        if (parsed.type() != ElfFile.ET_EXEC && parsed.type() != ElfFile.ET_DYN) {
            throw new BpfException(path + " is neither an executable nor a shared library (ELF type "
                    + parsed.type() + ")");
        }
        return parsed;
    }

    @Override
    public String toString() {
        return "Executable[" + path + "]";
    }
}
