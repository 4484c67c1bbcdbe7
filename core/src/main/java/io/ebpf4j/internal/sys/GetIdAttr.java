package io.ebpf4j.internal.sys;

/** The part of {@code union bpf_attr} of the {@code BPF_*_GET_NEXT_ID} and {@code BPF_*_GET_FD_BY_ID} commands. */
@Layout(type = "union bpf_attr", firstField = "start_id")
public final class GetIdAttr {
    /** Shares its place with {@code prog_id}, {@code map_id}, {@code btf_id} and {@code link_id}. */
    public static final int START_ID = 0;
    public static final int NEXT_ID = 4;
    public static final int OPEN_FLAGS = 8;
    public static final int BYTES = 16;

    private GetIdAttr() {}
}
