package io.ebpf4j.spring;

import java.util.List;

/** The object resource of a collection ({@code ebpf.collections.<name>.object}) does not exist. */
public class EbpfObjectNotFoundException extends EbpfCollectionException {
    private static final long serialVersionUID = 1L;

    private final List<String> candidates;

    /**
     * @param candidates objects that do exist next to where the object was expected (for class path resources,
     *     the {@code .o} files in the same class path directory); may be empty
     */
    public EbpfObjectNotFoundException(String collection, String object, String message, List<String> candidates) {
        super(collection, object, null, Stage.READ, message, null);
        this.candidates = List.copyOf(candidates);
    }

    /** Objects found next to where the object was expected; may be empty. */
    public List<String> candidates() {
        return candidates;
    }
}
