package io.ebpf4j.internal.elf;

/**
 * One entry of a symbol table ({@code .symtab} or {@code .dynsym}).
 *
 * @param index        position in its symbol table (what relocations refer to)
 * @param name         name from the linked string table; empty for unnamed symbols such as section symbols
 * @param value        {@code st_value}: offset in the section for relocatable files, an address for executables
 * @param size         {@code st_size} in bytes (for BPF functions: number of instructions times 8)
 * @param type         {@code ELF64_ST_TYPE(st_info)}, one of the {@code STT_*} constants
 * @param binding      {@code ELF64_ST_BIND(st_info)}, one of the {@code STB_*} constants
 * @param visibility   {@code ELF64_ST_VISIBILITY(st_other)}, one of the {@code STV_*} constants
 * @param sectionIndex the section the symbol is defined in, with {@code SHN_XINDEX} already resolved; or one of the
 *                     reserved values {@link #SHN_UNDEF}, {@link #SHN_ABS}, {@link #SHN_COMMON}
 */
public record Symbol(int index, String name, long value, long size, int type, int binding, int visibility,
        int sectionIndex) {

    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;
    public static final int STT_FILE = 4;
    public static final int STT_COMMON = 5;
    public static final int STT_TLS = 6;
    public static final int STT_GNU_IFUNC = 10;

    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;

    public static final int STV_DEFAULT = 0;
    public static final int STV_INTERNAL = 1;
    public static final int STV_HIDDEN = 2;
    public static final int STV_PROTECTED = 3;

    public static final int SHN_UNDEF = 0;
    public static final int SHN_LORESERVE = 0xff00;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;
    public static final int SHN_XINDEX = 0xffff;

    public Symbol {
        name = name == null ? "" : name;
    }

    public boolean isFunction() {
        return type == STT_FUNC;
    }

    public boolean isObject() {
        return type == STT_OBJECT;
    }

    /** A symbol standing for a whole section ({@code STT_SECTION}); relocations use them for static data. */
    public boolean isSection() {
        return type == STT_SECTION;
    }

    public boolean isLocal() {
        return binding == STB_LOCAL;
    }

    public boolean isGlobal() {
        return binding == STB_GLOBAL;
    }

    public boolean isWeak() {
        return binding == STB_WEAK;
    }

    /** Hidden symbols are not visible outside their component; BPF static linking uses this for "static" globals. */
    public boolean isHidden() {
        return visibility == STV_HIDDEN;
    }

    /**
     * Declared but not defined here ({@code SHN_UNDEF}): an {@code extern} such as a kfunc or a {@code .kconfig} value.
     */
    public boolean isUndefined() {
        return sectionIndex == SHN_UNDEF;
    }

    /** Whether the value is an absolute constant rather than a location in a section ({@code SHN_ABS}). */
    public boolean isAbsolute() {
        return sectionIndex == SHN_ABS;
    }

    /** Whether this is a common (unallocated, tentative) definition ({@code SHN_COMMON}). */
    public boolean isCommon() {
        return sectionIndex == SHN_COMMON;
    }

    /**
     * Whether {@link #sectionIndex()} names a real section (not undefined and not a reserved index). In files with
     * more than 0xff00 sections, an index reached through {@code SHN_XINDEX} can collide with a reserved value; this
     * method then answers false.
     */
    public boolean isDefinedInSection() {
        return sectionIndex != SHN_UNDEF && sectionIndex < SHN_LORESERVE;
    }
}
