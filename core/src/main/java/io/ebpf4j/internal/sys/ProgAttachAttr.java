package io.ebpf4j.internal.sys;

/** The part of {@code union bpf_attr} of {@code BPF_PROG_ATTACH} and {@code BPF_PROG_DETACH}. */
@Layout(type = "union bpf_attr", firstField = "target_fd")
public final class ProgAttachAttr {
    public static final int TARGET_FD = 0;
    public static final int ATTACH_BPF_FD = 4;
    public static final int ATTACH_TYPE = 8;
    public static final int ATTACH_FLAGS = 12;
    public static final int REPLACE_BPF_FD = 16;
    public static final int BYTES = 32;

    private ProgAttachAttr() {}
}
