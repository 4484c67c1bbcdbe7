package io.ebpf4j.internal.sys;

/** The part of {@code union bpf_attr} of {@code BPF_OBJ_PIN} and {@code BPF_OBJ_GET}. */
@Layout(type = "union bpf_attr", firstField = "pathname")
public final class ObjAttr {
    public static final int PATHNAME = 0;
    public static final int BPF_FD = 8;
    public static final int FILE_FLAGS = 12;
    public static final int BYTES = 24;

    private ObjAttr() {}
}
