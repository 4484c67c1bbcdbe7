#!/usr/bin/env python3
"""Generates SyscallTables.java (syscall number -> name for x86_64 and aarch64) from the kernel's uapi headers.

x86_64 comes from <asm/unistd_64.h>; aarch64 uses the generic table <asm-generic/unistd.h>, preprocessed with the
__ARCH_WANT_* switches that arch/arm64/include/uapi/asm/unistd.h sets, for a 64-bit ABI. Needs cpp (gcc or clang)
and the linux-libc-dev (or kernel-headers) package. Run from anywhere:

    python3 autoconfigure/scripts/syscall-tables.py [--include /usr/include]

and commit the regenerated Java file.
"""
import argparse
import os
import re
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "..", "src", "main", "java", "io", "ebpf4j", "spring", "metrics", "SyscallTables.java")

# What arch/arm64/include/uapi/asm/unistd.h defines before including asm-generic/unistd.h.
ARM64_SWITCHES = [
    "__ARCH_WANT_RENAMEAT",
    "__ARCH_WANT_NEW_STAT",
    "__ARCH_WANT_SET_GET_RLIMIT",
    "__ARCH_WANT_TIME32_SYSCALLS",
    "__ARCH_WANT_SYS_CLONE3",
    "__ARCH_WANT_MEMFD_SECRET",
]

DEFINE = re.compile(r"^#define __NR_(\w+)\s+(.+?)\s*$")


def macros(header, include, switches, extra_include=None):
    """All '#define __NR_<name> <value>' macros that the preprocessor sees for the header."""
    with tempfile.TemporaryDirectory() as tmp:
        # asm-generic/unistd.h includes <asm/bitsperlong.h>; give it a 64-bit one regardless of the build host.
        os.makedirs(os.path.join(tmp, "asm"))
        with open(os.path.join(tmp, "asm", "bitsperlong.h"), "w") as f:
            f.write("#define __BITS_PER_LONG 64\n")
        source = "".join("#define %s\n" % s for s in switches) + "#include <%s>\n" % header
        args = ["cpp", "-dM", "-nostdinc", "-I" + tmp]
        if extra_include:
            args.append("-I" + extra_include)
        args += ["-I" + include, "-"]
        out = subprocess.run(args, input=source, capture_output=True, text=True, check=True).stdout
    raw = {}
    for line in out.splitlines():
        m = DEFINE.match(line)
        if m:
            raw["__NR_" + m.group(1)] = m.group(2)
    # __NR3264_* aliases are referenced by __NR_* names on 64-bit ABIs.
    for line in out.splitlines():
        m = re.match(r"^#define (__NR3264_\w+)\s+(\d+)\s*$", line)
        if m:
            raw[m.group(1)] = m.group(2)
    return raw


def resolve(raw):
    """Syscall number -> name, following aliases; placeholders (__NR_syscalls, arch_specific_syscall) skipped."""
    table = {}
    for name, value in raw.items():
        if not name.startswith("__NR_") or name in ("__NR_syscalls", "__NR_arch_specific_syscall"):
            continue
        seen = set()
        while value in raw and value not in seen:
            seen.add(value)
            value = raw[value]
        if not re.fullmatch(r"\d+", value):
            continue
        number = int(value)
        syscall = name[len("__NR_"):]
        # Keep the first name in number order of appearance; names are unique per number in these headers.
        table.setdefault(number, syscall)
    return table


# Entries per row; each row starts with the number of its first entry. Four of the longest names still fit the
# project's 120-character lines (checkstyle), which java_array checks.
PER_ROW = 4
MAX_LINE = 120


def java_array(name, table):
    size = max(table) + 1
    digits = len(str(size - 1))
    lines = []
    row = []
    for n in range(size):
        row.append('"%s"' % table[n] if n in table else "null")
    for i in range(0, size, PER_ROW):
        line = "            /* %*d */ " % (digits, i) + ", ".join(row[i:i + PER_ROW]) + ","
        if len(line) > MAX_LINE:
            raise SystemExit("row %d of %s is %d characters, over %d: lower PER_ROW" % (i, name, len(line), MAX_LINE))
        lines.append(line)
    return "    static final String[] %s = {\n%s\n    };\n" % (name, "\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--include", default="/usr/include", help="uapi header root")
    parser.add_argument("--x86-include", default=None,
                        help="directory holding asm/unistd_64.h (default: <include>/x86_64-linux-gnu or <include>)")
    args = parser.parse_args()

    x86_dir = args.x86_include
    if x86_dir is None:
        multiarch = os.path.join(args.include, "x86_64-linux-gnu")
        x86_dir = multiarch if os.path.exists(os.path.join(multiarch, "asm", "unistd_64.h")) else args.include
    x86 = resolve(macros("asm/unistd_64.h", x86_dir, []))
    arm64 = resolve(macros("asm-generic/unistd.h", args.include, ARM64_SWITCHES))

    version = subprocess.run(["sh", "-c", "dpkg-query -W -f '${Version}' linux-libc-dev 2>/dev/null || true"],
                             capture_output=True, text=True).stdout.strip()
    source = "linux-libc-dev " + version if version else "the uapi headers under " + args.include

    with open(OUTPUT, "w") as f:
        f.write("package io.ebpf4j.spring.metrics;\n\n")
        f.write("/**\n")
        f.write(" * Syscall names by number, per architecture. Generated by autoconfigure/scripts/syscall-tables.py from\n")
        f.write(" * %s (x86_64: asm/unistd_64.h; aarch64: asm-generic/unistd.h); do not edit.\n" % source)
        f.write(" * Numbers missing from these headers (syscalls added by newer kernels) decode as 'unknown_syscall:<n>'.\n")
        f.write(" */\n")
        f.write("final class SyscallTables {\n")
        f.write("    private SyscallTables() {}\n\n")
        f.write(java_array("X86_64", x86))
        f.write("\n")
        f.write(java_array("AARCH64", arm64))
        f.write("}\n")
    print("wrote %s: x86_64 %d syscalls (max %d), aarch64 %d syscalls (max %d)"
          % (os.path.normpath(OUTPUT), len(x86), max(x86), len(arm64), max(arm64)))


if __name__ == "__main__":
    main()
