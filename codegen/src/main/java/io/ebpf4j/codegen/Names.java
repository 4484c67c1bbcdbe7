package io.ebpf4j.codegen;

import java.util.Locale;
import java.util.Set;

/** Java identifiers for C names: {@code exec_event} becomes type {@code ExecEvent} and member {@code execEvent}. */
final class Names {
    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
            "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "true", "false", "null", "var", "record", "yield", "sealed", "permits", "_");

    private Names() {}

    static String type(String cName) {
        String camel = camel(cName);
        return Character.toUpperCase(camel.charAt(0)) + camel.substring(1);
    }

    static String member(String cName) {
        String camel = camel(cName);
        return safe(Character.toLowerCase(camel.charAt(0)) + camel.substring(1));
    }

    /** Enum constants keep their C spelling, which is already Java's constant style. */
    static String constant(String cName) {
        return safe(cName.isEmpty() ? "_EMPTY" : cName);
    }

    /** A static field name: {@code target_pid} becomes {@code TARGET_PID}. */
    static String staticField(String cName) {
        return safe(cName.replaceAll("[^A-Za-z0-9_]", "_").toUpperCase(Locale.ROOT));
    }

    static boolean isIdentifierLike(String cName) {
        return !cName.isEmpty() && cName.chars().allMatch(c -> c == '_' || Character.isLetterOrDigit(c))
                && !Character.isDigit(cName.charAt(0));
    }

    private static String camel(String cName) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : cName.toCharArray()) {
            if (c == '_' || !Character.isLetterOrDigit(c)) {
                upper = out.length() > 0;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        if (out.length() == 0) {
            return "x";
        }
        return Character.isDigit(out.charAt(0)) ? "_" + out : out.toString();
    }

    private static String safe(String name) {
        return KEYWORDS.contains(name) ? name + "_" : name;
    }
}
