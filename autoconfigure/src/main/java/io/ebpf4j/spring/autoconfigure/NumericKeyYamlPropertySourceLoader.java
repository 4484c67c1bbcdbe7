package io.ebpf4j.spring.autoconfigure;

import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.Resource;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Loads configuration files as Boot does, and accepts YAML map keys that YAML reads as numbers inside lists.
 *
 * <p>ebpf_exporter's configurations, and YAML users, write {@code static-map: {6: tcp, 17: udp}}. Under a list
 * ({@code labels[].decoders[]}) Spring Framework's YAML flattening casts such keys to String and fails with a
 * {@code ClassCastException} before any application code runs (spring-framework#24608, declined). Boot's own loader
 * reads every file first; only a file it fails on that way is read again by {@link TextKeyYaml}, with every map key
 * as text, as Boot reads the same keys outside lists.
 *
 * <p>It declares Boot's extensions in Boot's order ({@code properties}, {@code xml}, {@code yml}, {@code yaml}) and
 * comes first, so the files found, and their precedence, stay Boot's; {@code .properties} and {@code .xml} files are
 * Boot's loader's alone.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class NumericKeyYamlPropertySourceLoader implements PropertySourceLoader {
    private final PropertiesPropertySourceLoader properties = new PropertiesPropertySourceLoader();
    private final YamlPropertySourceLoader yaml = new YamlPropertySourceLoader();

    @Override
    public String[] getFileExtensions() {
        return new String[] {"properties", "xml", "yml", "yaml"};
    }

    @Override
    public List<PropertySource<?>> load(String name, Resource resource) throws IOException {
        String file = resource.getFilename() == null ? "" : resource.getFilename().toLowerCase(Locale.ROOT);
        if (!file.endsWith(".yml") && !file.endsWith(".yaml")) {
            return properties.load(name, resource);
        }
        try {
            return yaml.load(name, resource);
        } catch (ClassCastException e) {
            return TextKeyYaml.load(name, resource);
        }
    }
}
