package io.ebpf4j;

/**
 * Teaches {@link CollectionSpec#load(byte[], SectionResolver)} section names that libbpf's table does not have, like
 * {@code libbpf_register_prog_handler}: ebpf_exporter's {@code perf_event/type=0,config=3,frequency=1}, say, or an
 * application's own {@code xdp/<interface>}. Consulted first for every program, before the built-in table, as
 * libbpf consults custom handlers first.
 */
@FunctionalInterface
public interface SectionResolver {
    /**
     * Leaves every section to libbpf's table; programs in sections it does not know stay {@link ProgramType#UNSPEC}.
     */
    SectionResolver NONE = (sectionName, program) -> false;

    /**
     * Sets the type of a program read from {@code sectionName} (the name without a leading {@code ?}) and, where its
     * hook needs them, its attach type, attach target and flags.
     *
     * @param program the program as read: name, section, instructions, license and autoload set, type
     *     {@link ProgramType#UNSPEC}
     * @return whether this resolver handled the section; {@code false} leaves it to libbpf's table
     */
    boolean resolve(String sectionName, ProgramSpec program);
}
