package io.ebpf4j.btf;

import java.util.Objects;

/**
 * A {@code bpf_line_info} record of {@code .BTF.ext}: the source line an instruction came from, which the verifier
 * prints in its log.
 *
 * @param insnOffset byte offset of the instruction (see {@link FuncInfo#insnOffset()})
 * @param fileName the source file
 * @param line the text of the source line
 * @param lineNumber 1-based line number (22 bits on the wire)
 * @param column 1-based column, 0 if unknown (10 bits on the wire)
 */
public record LineInfo(int insnOffset, String fileName, String line, int lineNumber, int column) {
    public LineInfo {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(line, "line");
    }

    /** Index of the instruction ({@link #insnOffset()} / 8). */
    public int instruction() {
        return insnOffset / 8;
    }

    public LineInfo withInsnOffset(int newOffset) {
        return new LineInfo(newOffset, fileName, line, lineNumber, column);
    }
}
