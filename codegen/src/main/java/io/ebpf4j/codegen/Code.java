package io.ebpf4j.codegen;

import java.util.List;

/** Java source text with indentation kept by the writer, so emitters only say what to write. */
final class Code {
    private final StringBuilder out = new StringBuilder();
    private int indent;

    Code line(String text) {
        if (!text.isEmpty()) {
            out.append("    ".repeat(indent)).append(text);
        }
        out.append('\n');
        return this;
    }

    Code line() {
        return line("");
    }

    /** Writes {@code text} (ending in an opening brace) and indents what follows. */
    Code open(String text) {
        line(text);
        indent++;
        return this;
    }

    /** Ends a block opened by {@link #open}, with {@code text} such as {@code "}"} or {@code "});"}. */
    Code close(String text) {
        indent--;
        return line(text);
    }

    /** Ends a block and opens the next, as in {@code "} else {"}. */
    Code middle(String text) {
        indent--;
        line(text);
        indent++;
        return this;
    }

    /** The lines written so far, with their indentation relative to this writer's start. */
    List<String> lines() {
        return out.toString().lines().toList();
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
