package io.ebpf4j.internal.elf;

/**
 * One entry of an ELF section header table, with its name resolved.
 *
 * @param index     position in the section header table (what symbols and {@code sh_link}/{@code sh_info} refer to)
 * @param name      name from the section header string table, empty if the file has none
 * @param type      {@code sh_type}, one of the {@code SHT_*} constants (other values are kept as they are)
 * @param flags     {@code sh_flags}, a combination of {@code SHF_*} bits
 * @param offset    {@code sh_offset}: where the contents start in the file (meaningless for {@link #isNoBits()})
 * @param size      {@code sh_size} in bytes; for {@code SHT_NOBITS} the size in memory, not in the file
 * @param link      {@code sh_link}, interpreted by type (e.g. the string table of a symbol table)
 * @param info      {@code sh_info}, interpreted by type (e.g. the section a relocation section applies to)
 * @param alignment {@code sh_addralign}: 0 or a power of two
 * @param entrySize {@code sh_entsize}: size of one entry for tables, else 0
 * @param address   {@code sh_addr}: the address in memory for allocated sections of executables, else 0
 */
public record Section(int index, String name, int type, long flags, long offset, long size, int link, int info,
        long alignment, long entrySize, long address) {

    public static final int SHT_NULL = 0;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_RELA = 4;
    public static final int SHT_HASH = 5;
    public static final int SHT_DYNAMIC = 6;
    public static final int SHT_NOTE = 7;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_REL = 9;
    public static final int SHT_DYNSYM = 11;
    public static final int SHT_INIT_ARRAY = 14;
    public static final int SHT_FINI_ARRAY = 15;
    public static final int SHT_SYMTAB_SHNDX = 18;
    public static final int SHT_LLVM_ADDRSIG = 0x6fff4c03;

    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;
    public static final long SHF_MERGE = 0x10;
    public static final long SHF_STRINGS = 0x20;
    public static final long SHF_INFO_LINK = 0x40;
    public static final long SHF_TLS = 0x400;

    public Section {
        name = name == null ? "" : name;
    }

    /** Whether the section occupies no space in the file ({@code SHT_NOBITS}, e.g. {@code .bss}). */
    public boolean isNoBits() {
        return type == SHT_NOBITS;
    }

    /** Whether the section holds machine (or BPF) instructions ({@code SHF_EXECINSTR}). */
    public boolean isExecutable() {
        return (flags & SHF_EXECINSTR) != 0;
    }

    /** Whether the section is writable at run time ({@code SHF_WRITE}). */
    public boolean isWritable() {
        return (flags & SHF_WRITE) != 0;
    }

    /** Whether the section occupies memory at run time ({@code SHF_ALLOC}). */
    public boolean isAllocated() {
        return (flags & SHF_ALLOC) != 0;
    }

    /** Whether this is a relocation section ({@code SHT_REL} or {@code SHT_RELA}). */
    public boolean isRelocation() {
        return type == SHT_REL || type == SHT_RELA;
    }

    /** Whether this is a symbol table ({@code SHT_SYMTAB} or {@code SHT_DYNSYM}). */
    public boolean isSymbolTable() {
        return type == SHT_SYMTAB || type == SHT_DYNSYM;
    }

    /** Number of bytes the section occupies in the file: {@link #size()}, or 0 for NOBITS and NULL sections. */
    public long fileSize() {
        return type == SHT_NOBITS || type == SHT_NULL ? 0 : size;
    }

    /** {@code "section 3 (.text)"}, for messages. */
    String describe() {
        return name.isEmpty() ? "section " + index : "section " + index + " (" + name + ")";
    }
}
