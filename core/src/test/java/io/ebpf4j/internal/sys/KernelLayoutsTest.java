package io.ebpf4j.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ebpf4j.btf.Composite;
import io.ebpf4j.btf.Member;
import io.ebpf4j.btf.Spec;
import io.ebpf4j.btf.Struct;
import io.ebpf4j.btf.Types;
import io.ebpf4j.btf.Union;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every {@link Layout} class of this package, checked constant by constant against the running kernel's BTF: field
 * offsets, the {@code *_BIT} masks of bit fields, the {@code BYTES} sizes, and the width of each access to a field in
 * the main sources. A field this kernel lacks must lie beyond the end of its struct (the kernel is older than the
 * layout and ignores it).
 */
class KernelLayoutsTest {
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
    /** {@code .getInt(Layout.FIELD}, {@code .putLong(at + Layout.Nested.FIELD}, ...: the method and the constant. */
    private static final Pattern FIELD_ACCESS = Pattern.compile(
            "\\.(get|put)(Short|Int|Long)\\(\\s*(?:\\w+\\s*\\+\\s*)?((?:[A-Z]\\w*\\.)+[A-Z][A-Z0-9_]*)\\s*[,)]");

    private static Spec cachedKernel;

    /** The running kernel's BTF; skips the calling test when the kernel has none. */
    private static synchronized Spec kernel() {
        assumeTrue(Files.isReadable(VMLINUX), "the running kernel exposes no BTF at " + VMLINUX
                + " (built without CONFIG_DEBUG_INFO_BTF)");
        if (cachedKernel == null) {
            cachedKernel = Spec.load(VMLINUX);
        }
        return cachedKernel;
    }

    @Test
    void everyLayoutConstantMatchesTheRunningKernel() {
        List<String> mismatches = new ArrayList<>();
        List<Class<?>> layouts = layoutClasses();
        for (Class<?> layout : layouts) {
            check(layout, mismatches);
        }
        assertThat(layouts).as("layout classes found").hasSizeGreaterThan(20);
        assertThat(mismatches).isEmpty();
    }

    /**
     * Reads of and writes to a layout field in the main sources ({@code putInt(ProgLoadAttr.INSN_CNT, ...)}, also
     * after {@code at + }) use the width the kernel gives the field: a {@code putLong} on a 4-byte field would
     * overwrite its neighbour. Byte-array copies and bit-field words are not checked.
     */
    @Test
    void everyAccessOfALayoutFieldHasTheFieldsWidth() throws IOException {
        Map<String, Long> widths = new HashMap<>();
        for (Class<?> layout : layoutClasses()) {
            Part part = part(layout.getAnnotation(Layout.class));
            for (Field constant : constants(layout, int.class)) {
                Located field = isSize(constant.getName()) ? null : part.find(cName(constant.getName()));
                if (field != null && !field.member.isBitfield()) {
                    widths.put(name(constant).replace('$', '.'), Types.sizeof(field.member.type()));
                }
            }
        }
        Path sources = Path.of("src/main/java");
        assertThat(sources).as("the core's sources, relative to the module directory").isDirectory();
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(f -> f.toString().endsWith(".java")).toList();
        }
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                Matcher access = FIELD_ACCESS.matcher(lines.get(i));
                while (access.find()) {
                    Long width = widths.get(access.group(3));
                    if (width == null) {
                        continue;
                    }
                    checked++;
                    long used = switch (access.group(2)) {
                        case "Short" -> Short.BYTES;
                        case "Int" -> Integer.BYTES;
                        default -> Long.BYTES;
                    };
                    if (used != width) {
                        mismatches.add(sources.relativize(file) + ":" + (i + 1) + ": " + access.group(1)
                                + access.group(2) + "(" + access.group(3) + "), but the kernel's field has " + width
                                + " bytes");
                    }
                }
            }
        }
        assertThat(checked).as("layout field accesses found").isGreaterThan(100);
        assertThat(mismatches).isEmpty();
    }

    @Test
    void everyNestedClassOfALayoutIsALayoutToo() {
        for (Class<?> layout : layoutClasses()) {
            for (Class<?> nested : layout.getDeclaredClasses()) {
                assertThat(nested.isAnnotationPresent(Layout.class)).as(nested.getName()).isTrue();
            }
        }
    }

    @Test
    void theScratchAttributeBufferHoldsEveryBpfAttrPart() {
        for (Class<?> layout : layoutClasses()) {
            if (layout.getAnnotation(Layout.class).type().equals("union bpf_attr")) {
                for (Field size : constants(layout, int.class)) {
                    if (isSize(size.getName())) {
                        assertThat(intValue(size)).as(name(size)).isLessThanOrEqualTo(Scratch.ATTR_SIZE);
                    }
                }
            }
        }
    }

    private static void check(Class<?> layout, List<String> mismatches) {
        Layout declared = layout.getAnnotation(Layout.class);
        Part part = part(declared);
        List<Field> sizes = new ArrayList<>();
        boolean lacksAField = false;
        long usedEnd = 0;
        for (Field constant : constants(layout, int.class)) {
            if (isSize(constant.getName())) {
                sizes.add(constant);
                continue;
            }
            int offset = intValue(constant);
            Located field = part.find(cName(constant.getName()));
            if (field == null) {
                lacksAField = true;
                long end = part.offset + part.type.size();
                if (offset < end) {
                    mismatches.add(name(constant) + " = " + offset + ": this kernel has no such field, so it must lie"
                            + " at or beyond byte " + end + ", where its " + part + " ends");
                }
                continue;
            }
            if (offset != field.byteOffset()) {
                mismatches.add(name(constant) + " = " + offset + ", but the kernel's " + part + " has it at "
                        + field.byteOffset());
            }
            if (!field.member.isBitfield()) {
                usedEnd = Math.max(usedEnd, field.byteOffset() - part.offset + Types.sizeof(field.member.type()));
            }
        }
        for (Field mask : constants(layout, long.class)) {
            String name = mask.getName();
            Located field = name.endsWith("_BIT") ? part.find(cName(name.substring(0, name.length() - 4))) : null;
            if (field == null || field.member.bitfieldSize() != 1) {
                mismatches.add(name(mask) + ": " + part + " has no one-bit field by that name");
            } else if (longValue(mask) != 1L << (field.bitOffset % 64)) {
                mismatches.add(name(mask) + " = " + Long.toHexString(longValue(mask)) + ", but the kernel's field is"
                        + " bit " + field.bitOffset % 64 + " of its word");
            }
        }
        for (Field size : sizes) {
            int bytes = intValue(size);
            int kernelSize = part.type.size();
            if (bytes <= kernelSize && !part.fieldEnds().contains((long) bytes)) {
                mismatches.add(name(size) + " = " + bytes + " ends inside a field of the kernel's " + part
                        + " (field ends: " + part.fieldEnds() + ")");
            }
            if (bytes > kernelSize && !lacksAField) {
                mismatches.add(name(size) + " = " + bytes + " is larger than the kernel's " + part + " ("
                        + kernelSize + " bytes), though this kernel has every field declared");
            }
        }
        if (!sizes.isEmpty() && usedEnd > sizes.stream().mapToInt(KernelLayoutsTest::intValue).max().orElseThrow()) {
            mismatches.add(layout.getSimpleName() + ": fields reach byte " + usedEnd + ", beyond its BYTES");
        }
    }

    /** The part of a kernel type that a layout class describes. */
    private static Part part(Layout declared) {
        String[] kindAndName = declared.type().split(" ");
        Class<? extends Composite> kind = kindAndName[0].equals("union") ? Union.class : Struct.class;
        Composite composite = kernel().typeByName(kindAndName[1], kind)
                .orElseThrow(() -> new AssertionError("the kernel has no " + declared.type()));
        Part part = new Part(declared.type(), composite, 0);
        if (!declared.member().isEmpty()) {
            for (String step : declared.member().split("\\.")) {
                Located member = part.find(step);
                assertThat(member).as("%s has a member %s", part, step).isNotNull();
                assertThat(Types.underlying(member.member.type())).as("%s.%s", part, step)
                        .isInstanceOf(Composite.class);
                part = new Part(part + "." + step, (Composite) Types.underlying(member.member.type()),
                        member.byteOffset());
            }
        }
        if (!declared.firstField().isEmpty()) {
            Part inside = null;
            for (Member m : part.type.members()) {
                if (m.name().isEmpty() && Types.underlying(m.type()) instanceof Composite anonymous
                        && declared.firstField().equals(firstField(anonymous))) {
                    assertThat(inside).as("two anonymous members of %s start with %s", part, declared.firstField())
                            .isNull();
                    inside = new Part(part + " {" + declared.firstField() + ", ...}", anonymous,
                            part.offset + m.byteOffset());
                }
            }
            assertThat(inside).as("%s has an anonymous member starting with %s", part, declared.firstField())
                    .isNotNull();
            part = inside;
        }
        return part;
    }

    private static String firstField(Composite composite) {
        Member first = composite.members().get(0);
        if (first.name().isEmpty() && Types.underlying(first.type()) instanceof Composite anonymous) {
            return firstField(anonymous);
        }
        return first.name();
    }

    private record Located(Member member, long bitOffset) {
        long byteOffset() {
            return bitOffset / 8;
        }
    }

    private record Part(String description, Composite type, long offset) {
        /**
         * The field named {@code name}: seen through anonymous members as C sees it, otherwise in the nearest named
         * member that has it; {@code null} when none has it.
         */
        Located find(String name) {
            List<Located> level = List.of(new Located(new Member("", type, 0), offset * 8));
            while (!level.isEmpty()) {
                List<Located> found = new ArrayList<>();
                List<Located> deeper = new ArrayList<>();
                for (Located composite : level) {
                    visible((Composite) Types.underlying(composite.member.type()), composite.bitOffset, name, found,
                            deeper);
                }
                if (!found.isEmpty()) {
                    assertThat(found.stream().mapToLong(Located::bitOffset).distinct().count())
                            .as("%s is ambiguous in %s: give it its own nested layout", name, this).isEqualTo(1);
                    return found.get(0);
                }
                level = deeper;
            }
            return null;
        }

        private static void visible(Composite composite, long bitOffset, String name, List<Located> found,
                List<Located> deeper) {
            for (Member m : composite.members()) {
                Located here = new Located(m, bitOffset + m.bitOffset());
                if (m.name().equals(name)) {
                    found.add(here);
                }
                if (Types.underlying(m.type()) instanceof Composite inner) {
                    if (m.name().isEmpty()) {
                        visible(inner, here.bitOffset, name, found, deeper);
                    } else {
                        deeper.add(here);
                    }
                }
            }
        }

        /** Where each field of this part ends, in bytes from its start, and the part's own size. */
        Set<Long> fieldEnds() {
            Set<Long> ends = new TreeSet<>();
            ends.add((long) type.size());
            collectEnds(type, 0, ends);
            return ends;
        }

        private static void collectEnds(Composite composite, long bitOffset, Set<Long> ends) {
            for (Member m : composite.members()) {
                long at = bitOffset + m.bitOffset();
                if (!m.isBitfield()) {
                    ends.add(at / 8 + Types.sizeof(m.type()));
                }
                if (Types.underlying(m.type()) instanceof Composite inner) {
                    collectEnds(inner, at, ends);
                }
            }
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /** The classes of this package annotated with {@link Layout}, nested ones included. */
    private static List<Class<?>> layoutClasses() {
        Path directory;
        try {
            directory = Path.of(Layout.class.getResource("Layout.class").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
        List<Class<?>> layouts = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted().toList()) {
                String fileName = file.getFileName().toString();
                if (fileName.endsWith(".class")) {
                    Class<?> type = Class.forName(Layout.class.getPackageName() + "."
                            + fileName.substring(0, fileName.length() - ".class".length()));
                    if (type.isAnnotationPresent(Layout.class)) {
                        layouts.add(type);
                    }
                }
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        return layouts;
    }

    private static List<Field> constants(Class<?> layout, Class<?> type) {
        List<Field> constants = new ArrayList<>();
        for (Field f : layout.getDeclaredFields()) {
            int modifiers = f.getModifiers();
            if (Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers) && f.getType() == type) {
                constants.add(f);
            }
        }
        return constants;
    }

    private static boolean isSize(String constant) {
        return constant.equals("BYTES") || constant.startsWith("BYTES_");
    }

    private static String cName(String constant) {
        return constant.toLowerCase(Locale.ROOT);
    }

    private static String name(Field constant) {
        return constant.getDeclaringClass().getName().substring(Layout.class.getPackageName().length() + 1) + "."
                + constant.getName();
    }

    private static int intValue(Field constant) {
        try {
            return constant.getInt(null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    private static long longValue(Field constant) {
        try {
            return constant.getLong(null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }
}
