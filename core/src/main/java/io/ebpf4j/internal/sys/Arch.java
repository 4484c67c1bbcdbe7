package io.ebpf4j.internal.sys;

import java.util.Locale;

/** The machine ebpf4j runs on: syscall numbers and naming conventions differ per architecture. */
public enum Arch {
    X86_64("x86_64", 321, 298, 434, 319, "__x64_sys_"),
    AARCH64("aarch64", 280, 241, 434, 279, "__arm64_sys_");

    private static final Arch CURRENT = detect(System.getProperty("os.arch"));

    /** Name as printed by {@code uname -m}. */
    public final String unameMachine;
    public final long sysBpf;
    public final long sysPerfEventOpen;
    public final long sysPidfdOpen;
    public final long sysMemfdCreate;
    /** Prefix of the syscall wrapper functions in the kernel, used to resolve kprobes on syscalls. */
    public final String syscallPrefix;

    Arch(String unameMachine, long sysBpf, long sysPerfEventOpen, long sysPidfdOpen, long sysMemfdCreate,
            String syscallPrefix) {
        this.unameMachine = unameMachine;
        this.sysBpf = sysBpf;
        this.sysPerfEventOpen = sysPerfEventOpen;
        this.sysPidfdOpen = sysPidfdOpen;
        this.sysMemfdCreate = sysMemfdCreate;
        this.syscallPrefix = syscallPrefix;
    }

    public static Arch current() {
        if (CURRENT == null) {
            throw new UnsupportedOperationException(
                    "ebpf4j supports x86_64 and aarch64 Linux; this JVM runs on os.arch="
                            + System.getProperty("os.arch"));
        }
        return CURRENT;
    }

    static Arch detect(String osArch) {
        if (osArch == null) {
            return null;
        }
        switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64":
            case "x86_64":
                return X86_64;
            case "aarch64":
            case "arm64":
                return AARCH64;
            default:
                return null;
        }
    }
}
