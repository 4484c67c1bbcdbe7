package io.ebpf4j.internal.elf;

/**
 * One entry of the program header table (segments) of an executable or shared library. BPF objects have none.
 *
 * @param index          position in the program header table
 * @param type           {@code p_type}, e.g. {@link #PT_LOAD}, {@link #PT_NOTE}
 * @param flags          {@code p_flags}: {@link #PF_X}, {@link #PF_W}, {@link #PF_R}
 * @param offset         {@code p_offset}: where the segment starts in the file
 * @param virtualAddress {@code p_vaddr}
 * @param physicalAddress {@code p_paddr}
 * @param fileSize       {@code p_filesz}: bytes in the file
 * @param memorySize     {@code p_memsz}: bytes in memory (at least {@code fileSize} for loadable segments)
 * @param alignment      {@code p_align}
 */
public record ProgramHeader(int index, int type, int flags, long offset, long virtualAddress, long physicalAddress,
        long fileSize, long memorySize, long alignment) {

    public static final int PT_NULL = 0;
    public static final int PT_LOAD = 1;
    public static final int PT_DYNAMIC = 2;
    public static final int PT_INTERP = 3;
    public static final int PT_NOTE = 4;
    public static final int PT_PHDR = 6;
    public static final int PT_TLS = 7;

    public static final int PF_X = 0x1;
    public static final int PF_W = 0x2;
    public static final int PF_R = 0x4;

    public boolean isLoad() {
        return type == PT_LOAD;
    }

    public boolean isExecutable() {
        return (flags & PF_X) != 0;
    }

    /**
     * Whether {@code address} falls inside the part of this segment that is backed by the file
     * ({@code [virtualAddress, virtualAddress + fileSize)}, compared as unsigned numbers).
     */
    public boolean containsFileBacked(long address) {
        return Long.compareUnsigned(address, virtualAddress) >= 0
                && Long.compareUnsigned(address - virtualAddress, fileSize) < 0;
    }
}
