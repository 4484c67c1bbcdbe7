package io.ebpf4j;

/** Access requested when opening a pinned object ({@code BPF_F_RDONLY}, {@code BPF_F_WRONLY}). */
public enum PinAccess {
    READ_WRITE(0),
    READ_ONLY(1 << 3),
    WRITE_ONLY(1 << 4);

    final int fileFlags;

    PinAccess(int fileFlags) {
        this.fileFlags = fileFlags;
    }
}
