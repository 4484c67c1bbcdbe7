package io.ebpf4j.internal.elf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code llvm-readelf} in its LLVM output style and parses the result, as an independent oracle for the reader.
 * Each block ({@code Section { ... }}) becomes a map from key to raw value text.
 */
final class LlvmReadelf {

    /** A parsed {@code Key: value} block. */
    record Block(Map<String, String> fields) {
        String text(String key) {
            String value = fields.get(key);
            if (value == null) {
                throw new IllegalArgumentException("no " + key + " in " + fields);
            }
            return value;
        }

        /** A number: {@code 0x1F}, {@code 48}, or the number in parentheses of {@code name (0x6)}. */
        long number(String key) {
            String value = text(key);
            int open = value.lastIndexOf('(');
            if (open >= 0) {
                value = value.substring(open + 1, value.indexOf(')', open));
            }
            return parseNumber(value.strip());
        }

        /** The name part of {@code name (number)}. */
        String name(String key) {
            String value = text(key);
            int open = value.lastIndexOf('(');
            return (open >= 0 ? value.substring(0, open) : value).strip();
        }
    }

    /** One relocation section's entries, with the relocation section's index. */
    record RelocationGroup(int sectionIndex, List<Block> entries) {
    }

    record Output(List<Block> sections, List<Block> symbols, List<Block> dynamicSymbols, List<Block> programHeaders,
            List<RelocationGroup> relocations) {
    }

    private LlvmReadelf() {
    }

    /** The tool's command name, if it is installed. */
    static Optional<String> command() {
        for (String candidate : List.of("llvm-readelf", "llvm-readelf-14", "llvm-readelf-15", "llvm-readelf-16")) {
            try {
                Process p = new ProcessBuilder(candidate, "--version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Optional.of(candidate);
                }
            } catch (IOException e) {
                // not installed under this name
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    static Output run(String command, Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command, "--elf-output-style=LLVM", "--sections", "--symbols", "--dyn-symbols",
                "--program-headers", "--relocations", "--expand-relocs", file.toString())
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(command + " failed on " + file + ":\n" + text);
        }
        return parse(text);
    }

    static Output parse(String text) {
        List<Block> sections = new ArrayList<>();
        List<Block> symbols = new ArrayList<>();
        List<Block> dynamicSymbols = new ArrayList<>();
        List<Block> programHeaders = new ArrayList<>();
        List<RelocationGroup> relocations = new ArrayList<>();
        String list = "";
        RelocationGroup group = null;
        Map<String, String> block = null;
        int nesting = 0; // depth of "Key [" lists inside the current block (flag lists), whose lines are skipped
        for (String raw : text.lines().toList()) {
            String line = raw.strip();
            if (!raw.startsWith(" ") && line.endsWith("[")) {
                list = line.substring(0, line.length() - 1).strip();
                continue;
            }
            if (block == null) {
                if (list.equals("Relocations") && line.startsWith("Section (")) {
                    group = new RelocationGroup(Integer.parseInt(line.substring(9, line.indexOf(')'))),
                            new ArrayList<>());
                    relocations.add(group);
                } else if (line.endsWith("{")) {
                    block = new LinkedHashMap<>();
                }
                continue;
            }
            if (nesting > 0) {
                if (line.equals("]")) {
                    nesting--;
                }
                continue;
            }
            if (line.equals("}")) {
                Block done = new Block(block);
                switch (list) {
                    case "Sections" -> sections.add(done);
                    case "Symbols" -> symbols.add(done);
                    case "DynamicSymbols" -> dynamicSymbols.add(done);
                    case "ProgramHeaders" -> programHeaders.add(done);
                    case "Relocations" -> group.entries().add(done);
                    default -> {
                        // other lists are not compared
                    }
                }
                block = null;
                continue;
            }
            int colon = line.indexOf(':');
            int bracket = line.indexOf('[');
            if (bracket > 0 && (colon < 0 || bracket < colon)) {
                // "Flags [ (0x6)" or "Other [ (0x2)": the value in parentheses, then the listed names until "]"
                block.put(line.substring(0, bracket).strip(), line.substring(bracket + 1).strip());
                nesting++;
            } else if (colon > 0) {
                block.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return new Output(sections, symbols, dynamicSymbols, programHeaders, relocations);
    }

    static long parseNumber(String text) {
        boolean negative = text.startsWith("-");
        String digits = negative ? text.substring(1) : text;
        long value = digits.startsWith("0x") || digits.startsWith("0X")
                ? Long.parseUnsignedLong(digits.substring(2), 16)
                : Long.parseUnsignedLong(digits);
        return negative ? -value : value;
    }
}
