package io.ebpf4j.spring.autoconfigure;

import org.springframework.beans.factory.config.YamlProcessor;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.Resource;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A YAML file read as Boot's loader reads it (documents, flattening, no timestamps, no duplicate keys), except that
 * every scalar map key is text: for {@link NumericKeyYamlPropertySourceLoader}, and only loaded by it when Boot's
 * loader failed on such a key, so SnakeYAML is needed only where YAML is used.
 */
final class TextKeyYaml extends YamlProcessor {
    private TextKeyYaml(Resource resource) {
        setResources(resource);
    }

    static List<PropertySource<?>> load(String name, Resource resource) {
        List<Map<String, Object>> documents = new ArrayList<>();
        TextKeyYaml yaml = new TextKeyYaml(resource);
        yaml.process((properties, map) -> documents.add(yaml.getFlattenedMap(map)));
        List<PropertySource<?>> sources = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            String documentName = documents.size() != 1 ? name + " (document #" + i + ")" : name;
            sources.add(new OriginTrackedMapPropertySource(documentName,
                    Collections.unmodifiableMap(documents.get(i)), true));
        }
        return sources;
    }

    @Override
    protected Yaml createYaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        DumperOptions dumperOptions = new DumperOptions();
        return new Yaml(new TextKeyConstructor(options), new Representer(dumperOptions), dumperOptions, options,
                new NoTimestampResolver());
    }

    /** Map keys that are scalars are constructed as strings, whatever YAML would resolve them to. */
    private static final class TextKeyConstructor extends SafeConstructor {
        TextKeyConstructor(LoaderOptions options) {
            super(options);
        }

        @Override
        protected void constructMapping2ndStep(MappingNode node, Map<Object, Object> mapping) {
            for (NodeTuple tuple : node.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode key) {
                    key.setTag(Tag.STR);
                }
            }
            super.constructMapping2ndStep(node, mapping);
        }
    }

    /** As Boot's loader: dates stay text. */
    private static final class NoTimestampResolver extends Resolver {
        @Override
        public void addImplicitResolver(Tag tag, Pattern regexp, String first, int limit) {
            if (tag != Tag.TIMESTAMP) {
                super.addImplicitResolver(tag, regexp, first, limit);
            }
        }
    }
}
