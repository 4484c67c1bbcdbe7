package io.ebpf4j.codegen;

/**
 * How a C type is held in Java, and the statements that move it between a {@code ByteBuffer b} (the kernel's byte
 * order) and Java at a byte offset. Offsets are Java expressions, so arrays can index with loop variables.
 */
sealed interface JavaType {
    /** The Java type as written in a declaration. */
    String name();

    /** The Java type as a type argument (boxed). */
    default String boxed() {
        return name();
    }

    /** Whether values may be null: reference types other than enums (unknown enum values decode to null). */
    default boolean requiresNonNull() {
        return false;
    }

    /** Emits statements assigning the value at {@code offset} to {@code target}. */
    void decode(Code code, String target, String offset, int depth);

    /** Emits statements writing {@code value} at {@code offset}. */
    void encode(Code code, String value, String offset, int depth);

    /** An integer, float, bool or pointer read with one {@code ByteBuffer} accessor. */
    record Scalar(String name, String boxed, int size, boolean signed, boolean floating, boolean bool)
            implements JavaType {
        static Scalar ofInt(int size, boolean signed) {
            return switch (size) {
                case 1 -> new Scalar("byte", "Byte", 1, signed, false, false);
                case 2 -> new Scalar("short", "Short", 2, signed, false, false);
                case 4 -> new Scalar("int", "Integer", 4, signed, false, false);
                case 8 -> new Scalar("long", "Long", 8, signed, false, false);
                default -> throw new IllegalArgumentException("no Java integer of " + size + " bytes");
            };
        }

        static Scalar ofFloat(int size) {
            return size == 4 ? new Scalar("float", "Float", 4, true, true, false)
                    : new Scalar("double", "Double", 8, true, true, false);
        }

        static Scalar ofBool() {
            return new Scalar("boolean", "Boolean", 1, false, false, true);
        }

        private String accessor() {
            return switch (name) {
                case "byte", "boolean" -> "";
                case "short" -> "Short";
                case "int" -> "Int";
                case "long" -> "Long";
                case "float" -> "Float";
                default -> "Double";
            };
        }

        @Override
        public void decode(Code code, String target, String offset, int depth) {
            String read = "b.get" + accessor() + "(" + offset + ")";
            code.line(target + " = " + (bool ? read + " != 0" : read) + ";");
        }

        @Override
        public void encode(Code code, String value, String offset, int depth) {
            code.line("b.put" + accessor() + "(" + offset + ", " + (bool ? "(byte) (" + value + " ? 1 : 0)" : value)
                    + ");");
        }

        /** The value as the {@code long} a bitfield holds: unsigned C integers are zero-extended. */
        String toLong(String value) {
            if (bool) {
                return "(" + value + " ? 1L : 0L)";
            }
            return signed || size == 8 ? value : boxed + ".toUnsignedLong(" + value + ")";
        }

        /** The Java value of a bitfield's {@code long}. */
        String fromLong(String bits) {
            return bool ? bits + " != 0" : size == 8 ? bits : "(" + name + ") " + bits;
        }
    }

    /** Bytes with no better Java type ({@code unsigned char[]}, {@code __int128}, {@code long double}). */
    record Bytes(int size) implements JavaType {
        @Override
        public String name() {
            return "byte[]";
        }

        @Override
        public boolean requiresNonNull() {
            return true;
        }

        @Override
        public void decode(Code code, String target, String offset, int depth) {
            code.line(target + " = new byte[" + size + "];");
            code.line("b.get(" + offset + ", " + target + ");");
        }

        @Override
        public void encode(Code code, String value, String offset, int depth) {
            code.line("b.put(" + offset + ", checkLength(" + value + ", " + size + "));");
        }
    }

    /** A {@code char[]}: text up to the first NUL; written NUL-padded, at most {@code size - 1} bytes. */
    record Text(int size) implements JavaType {
        @Override
        public String name() {
            return "String";
        }

        @Override
        public boolean requiresNonNull() {
            return true;
        }

        @Override
        public void decode(Code code, String target, String offset, int depth) {
            code.line(target + " = readString(b, " + offset + ", " + size + ");");
        }

        @Override
        public void encode(Code code, String value, String offset, int depth) {
            code.line("writeString(b, " + offset + ", " + size + ", " + value + ");");
        }
    }

    /** A generated Java enum for a C enum. */
    record EnumRef(String name, Scalar storage) implements JavaType {
        @Override
        public void decode(Code code, String target, String offset, int depth) {
            String raw = "b.get" + storage.accessor() + "(" + offset + ")";
            code.line(target + " = " + name + ".of(" + (storage.signed() || storage.size() == 8 ? raw
                    : storage.boxed() + ".toUnsignedLong(" + raw + ")") + ");");
        }

        @Override
        public void encode(Code code, String value, String offset, int depth) {
            String cast = storage.size() == 8 ? "" : "(" + storage.name() + ") ";
            code.line("b.put" + storage.accessor() + "(" + offset + ", " + cast + value + ".value());");
        }
    }

    /** A generated record for a C struct or union, with its own codec. */
    record RecordRef(String name) implements JavaType {
        @Override
        public boolean requiresNonNull() {
            return true;
        }

        @Override
        public void decode(Code code, String target, String offset, int depth) {
            code.line(target + " = " + name + ".CODEC.decode(b, " + offset + ");");
        }

        @Override
        public void encode(Code code, String value, String offset, int depth) {
            code.line(name + ".CODEC.encode(" + value + ", b, " + offset + ");");
        }
    }

    /** A fixed-length C array of anything but bytes. */
    record ArrayOf(JavaType element, int length, int stride) implements JavaType {
        @Override
        public String name() {
            return element.name() + "[]";
        }

        @Override
        public boolean requiresNonNull() {
            return true;
        }

        @Override
        public void decode(Code code, String target, String offset, int depth) {
            String i = "i" + depth;
            code.line(target + " = new " + name().replaceFirst("\\[]", "[" + length + "]") + ";");
            code.open("for (int " + i + " = 0; " + i + " < " + length + "; " + i + "++) {");
            element.decode(code, target + "[" + i + "]", offset + " + " + i + " * " + stride, depth + 1);
            code.close("}");
        }

        @Override
        public void encode(Code code, String value, String offset, int depth) {
            String i = "i" + depth;
            code.line("checkLength(" + value + ".length, " + length + ");");
            code.open("for (int " + i + " = 0; " + i + " < " + length + "; " + i + "++) {");
            element.encode(code, value + "[" + i + "]", offset + " + " + i + " * " + stride, depth + 1);
            code.close("}");
        }
    }
}
