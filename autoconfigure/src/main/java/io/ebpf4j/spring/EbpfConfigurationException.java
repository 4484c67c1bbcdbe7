package io.ebpf4j.spring;

import java.util.List;

/**
 * The {@code ebpf.*} configuration of a collection does not fit its object or this machine: a constant, map or
 * program name the object does not define, a value that does not fit a variable, a pin path outside bpffs.
 * {@link #property()} names the offending property and {@link #candidates()} what would have been accepted.
 */
public class EbpfConfigurationException extends EbpfCollectionException {
    private static final long serialVersionUID = 1L;

    private final String property;
    private final List<String> candidates;

    /**
     * @param property the full name of the offending property, e.g. {@code ebpf.collections.x.constants.target_pid}
     * @param candidates the names or values that exist, for the message and the failure analysis; may be empty
     */
    public EbpfConfigurationException(String collection, String object, String program, String property,
            String message, List<String> candidates, Throwable cause) {
        super(collection, object, program, Stage.CONFIGURE, message, cause);
        this.property = property;
        this.candidates = List.copyOf(candidates);
    }

    /** The full name of the offending property. */
    public String property() {
        return property;
    }

    /** What would have been accepted (names defined by the object, for instance); may be empty. */
    public List<String> candidates() {
        return candidates;
    }
}
