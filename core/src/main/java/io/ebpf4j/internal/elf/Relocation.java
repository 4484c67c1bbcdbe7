package io.ebpf4j.internal.elf;

/**
 * One relocation entry, applying to the section named by its relocation section's {@code sh_info}.
 *
 * @param offset the location to patch: an offset in the target section for relocatable files, an address for
 *               executables and shared libraries
 * @param symbol the symbol the relocation refers to; the null symbol (index 0, unnamed) when there is none
 * @param type   the machine-specific relocation type (for BPF: {@code R_BPF_64_64} for {@code ld_imm64},
 *               {@code R_BPF_64_32} for calls, ...)
 * @param addend the explicit addend of {@code SHT_RELA} entries; 0 for {@code SHT_REL}, whose addend is implicit in
 *               the patched bytes
 */
public record Relocation(long offset, Symbol symbol, int type, long addend) {

    public static final int R_BPF_NONE = 0;
    public static final int R_BPF_64_64 = 1;
    public static final int R_BPF_64_ABS64 = 2;
    public static final int R_BPF_64_ABS32 = 3;
    public static final int R_BPF_64_NODYLD32 = 4;
    public static final int R_BPF_64_32 = 10;

    /** A relocation without an explicit addend ({@code SHT_REL}). */
    public Relocation(long offset, Symbol symbol, int type) {
        this(offset, symbol, type, 0);
    }
}
