package io.ebpf4j.spring;
import io.ebpf4j.BpfPermissionException;
import io.ebpf4j.VerifierException;

/**
 * A collection declared under {@code ebpf.collections} could not be read, configured, loaded or attached. Says which
 * collection, which object and (when one is to blame) which program; the cause is what ebpf4j or the kernel
 * reported, e.g. a {@link VerifierException} or a {@link BpfPermissionException}. Startup
 * failures of this type are explained by the starter's failure analyzers.
 */
public class EbpfCollectionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What the starter was doing when it failed. */
    public enum Stage {
        /** Reading and parsing the ELF object. */
        READ,
        /** Applying constants, map overrides and the pin path to the parsed object. */
        CONFIGURE,
        /** Creating maps and loading programs into the kernel. */
        LOAD,
        /** Attaching programs to their hooks. */
        ATTACH
    }

    private final String collection;
    private final String object;
    private final String program;
    private final Stage stage;

    /**
     * @param collection the collection's name under {@code ebpf.collections}, or {@code null} for settings shared
     *     by every collection (such as {@code ebpf.btf.path})
     * @param object description of the collection's object resource, e.g. {@code class path resource [bpf/x.bpf.o]}
     * @param program the program at fault, or {@code null} when the collection as a whole failed
     * @param stage what was being done
     * @param message what went wrong, without the collection context (which is prepended)
     * @param cause the underlying failure, or {@code null}
     */
    public EbpfCollectionException(String collection, String object, String program, Stage stage, String message,
            Throwable cause) {
        super(context(collection, program) + message, cause);
        this.collection = collection;
        this.object = object;
        this.program = program;
        this.stage = stage;
    }

    private static String context(String collection, String program) {
        if (collection == null) {
            return "";
        }
        return "BPF collection '" + collection + "'" + (program == null ? "" : ", program '" + program + "'") + ": ";
    }

    /** The collection's name under {@code ebpf.collections}, or {@code null} for shared settings. */
    public String collection() {
        return collection;
    }

    /** Description of the collection's object resource. */
    public String object() {
        return object;
    }

    /** The program at fault, or {@code null} when the collection as a whole failed. */
    public String program() {
        return program;
    }

    public Stage stage() {
        return stage;
    }
}
