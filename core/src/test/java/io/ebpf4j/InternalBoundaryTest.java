package io.ebpf4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The public API of the core must not hand out internal types: nothing public or protected in an API package may
 * name a type of {@code io.ebpf4j.internal} in its signature (code of other packages of the library reaches an
 * object's descriptor through {@code internal.sys.Descriptors}).
 */
class InternalBoundaryTest {

    @Test
    void publicSignaturesOfApiPackagesNameNoInternalType() {
        Set<String> found = new TreeSet<>();
        for (Class<?> type : apiClasses()) {
            found.addAll(exposures(type));
        }
        assertThat(found).as("public signatures naming internal types").isEmpty();
    }

    private static List<String> exposures(Class<?> type) {
        List<String> found = new ArrayList<>();
        String name = type.getName();
        if (type.getSuperclass() != null) {
            check(name + " extends", type.getGenericSuperclass(), found);
        }
        for (Type implemented : type.getGenericInterfaces()) {
            check(name + " implements", implemented, found);
        }
        for (Field f : type.getDeclaredFields()) {
            if (exported(f)) {
                check(name + "." + f.getName(), f.getGenericType(), found);
            }
        }
        List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredMethods()));
        executables.addAll(List.of(type.getDeclaredConstructors()));
        for (Executable e : executables) {
            if (!exported(e) || e.isSynthetic()) {
                continue;
            }
            String where = name + "." + (e instanceof Constructor ? "<init>" : e.getName()) + "()";
            if (e instanceof Method m) {
                check(where, m.getGenericReturnType(), found);
            }
            for (Type parameter : e.getGenericParameterTypes()) {
                check(where, parameter, found);
            }
            for (Type thrown : e.getGenericExceptionTypes()) {
                check(where, thrown, found);
            }
        }
        return found;
    }

    private static boolean exported(Member member) {
        int modifiers = member.getModifiers();
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    /** Adds {@code where -> internal type} for each internal type {@code type} names, type arguments included. */
    private static void check(String where, Type type, List<String> found) {
        if (type instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            if (isInternal(c.getPackageName())) {
                found.add(where + " -> " + c.getName());
            }
        } else if (type instanceof ParameterizedType p) {
            check(where, p.getRawType(), found);
            for (Type argument : p.getActualTypeArguments()) {
                check(where, argument, found);
            }
        } else if (type instanceof WildcardType w) {
            for (Type bound : w.getUpperBounds()) {
                check(where, bound, found);
            }
            for (Type bound : w.getLowerBounds()) {
                check(where, bound, found);
            }
        } else if (type instanceof GenericArrayType a) {
            check(where, a.getGenericComponentType(), found);
        } else if (type instanceof TypeVariable<?> v) {
            for (Type bound : v.getBounds()) {
                check(where, bound, found);
            }
        }
    }

    private static boolean isInternal(String packageName) {
        return packageName.startsWith("io.ebpf4j.internal");
    }

    /** The public classes (public all the way out) of the core's API packages, read from its compiled classes. */
    private static List<Class<?>> apiClasses() {
        Path root;
        try {
            Path bpfMap = Path.of(BpfMap.class.getResource("BpfMap.class").toURI());
            root = bpfMap.getParent().getParent().getParent();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String relative = root.relativize(file).toString();
                if (relative.endsWith("package-info.class")) {
                    continue;
                }
                String name = relative.substring(0, relative.length() - ".class".length()).replace('/', '.');
                Class<?> type = Class.forName(name, false, InternalBoundaryTest.class.getClassLoader());
                if (!isInternal(type.getPackageName()) && publicAllTheWay(type)) {
                    classes.add(type);
                }
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        assertThat(classes).as("API classes found under " + root).hasSizeGreaterThan(50);
        return classes;
    }

    private static boolean publicAllTheWay(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            if (!Modifier.isPublic(c.getModifiers()) || c.isAnonymousClass() || c.isLocalClass()) {
                return false;
            }
        }
        return true;
    }
}
