package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.spring.metrics.EbpfMetricsProperties;

import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every leaf property of {@link EbpfProperties} and {@link EbpfMetricsProperties} (both bound under {@code ebpf}),
 * found by walking the classes, so that tests cover a property as soon
 * as it exists. Map keys appear as {@code <name>} (values with properties of their own) or {@code <key>}, list
 * elements as {@code []}.
 */
final class EbpfPropertyPaths {
    private EbpfPropertyPaths() {}

    /** A property that takes a value: its path and the type of that value. */
    record Leaf(String path, Class<?> type) {}

    static List<Leaf> leaves() {
        List<Leaf> out = new ArrayList<>();
        try {
            walk(EbpfProperties.class, "ebpf", out);
            walk(EbpfMetricsProperties.class, "ebpf", out);
        } catch (IntrospectionException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static void walk(Class<?> type, String prefix, List<Leaf> out) throws IntrospectionException {
        for (PropertyDescriptor property : Introspector.getBeanInfo(type, Object.class).getPropertyDescriptors()) {
            if (property.getReadMethod() == null) {
                continue;
            }
            String name = prefix + "." + property.getName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
            Class<?> raw = property.getPropertyType();
            Type generic = property.getReadMethod().getGenericReturnType();
            if (isNested(raw)) {
                walk(raw, name, out);
            } else if (Map.class.isAssignableFrom(raw)) {
                element(typeArgument(generic, 1), name + ".<name>", name + ".<key>", out);
            } else if (List.class.isAssignableFrom(raw)) {
                element(typeArgument(generic, 0), name + "[]", name + "[]", out);
            } else {
                out.add(new Leaf(name, raw));
            }
        }
    }

    private static void element(Type type, String nestedPath, String leafPath, List<Leaf> out)
            throws IntrospectionException {
        if (type instanceof Class<?> c && isNested(c)) {
            walk(c, nestedPath, out);
        } else {
            out.add(new Leaf(leafPath, type instanceof Class<?> c ? c : Object.class));
        }
    }

    private static Type typeArgument(Type generic, int index) {
        return ((ParameterizedType) generic).getActualTypeArguments()[index];
    }

    private static boolean isNested(Class<?> type) {
        return type.getName().startsWith("io.ebpf4j.") && !type.isEnum();
    }
}
