package io.ebpf4j;

/** BTF or BTF.ext data is malformed; the message says what and where (byte offset within the blob). */
public class BtfFormatException extends BpfException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    public BtfFormatException(String message, long offset) {
        super(offset >= 0 ? message + " (at BTF byte offset " + offset + ")" : message);
        this.offset = offset;
    }

    public BtfFormatException(String message) {
        this(message, -1);
    }

    /** Byte offset in the BTF blob where the problem was found, or -1. */
    public long offset() {
        return offset;
    }
}
