package io.ebpf4j;

/** An ELF object is malformed or not a BPF object; the message says what and where (byte offset). */
public class ElfFormatException extends BpfException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    public ElfFormatException(String message, long offset) {
        super(offset >= 0 ? message + " (at byte offset " + offset + ")" : message);
        this.offset = offset;
    }

    public ElfFormatException(String message) {
        this(message, -1);
    }

    /** Byte offset in the file where the problem was found, or -1. */
    public long offset() {
        return offset;
    }
}
