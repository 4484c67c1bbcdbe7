package io.ebpf4j;

/** Flags of map updates ({@code BPF_ANY}, {@code BPF_NOEXIST}, {@code BPF_EXIST}, {@code BPF_F_LOCK}). */
public final class UpdateFlags {
    /** Create or replace. */
    public static final long ANY = 0;
    /** Create only: fail with {@code EEXIST} if the key exists. */
    public static final long NO_EXIST = 1;
    /** Replace only: fail with {@code ENOENT} if the key does not exist. */
    public static final long EXIST = 2;
    /** Take the value's {@code bpf_spin_lock} while copying (maps whose value has one); combine with the above. */
    public static final long LOCK = 4;

    private UpdateFlags() {}
}
