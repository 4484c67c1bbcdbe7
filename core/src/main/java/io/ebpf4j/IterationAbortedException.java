package io.ebpf4j;

/** A map iteration gave up because concurrent deletions kept restarting it (see {@link MapIterator}). */
public class IterationAbortedException extends BpfException {
    private static final long serialVersionUID = 1L;

    public IterationAbortedException(String message) {
        super(message);
    }
}
