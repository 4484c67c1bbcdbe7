package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.BpfCollection;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.CollectionSpec;
import io.ebpf4j.TypedMap;
import io.ebpf4j.spring.BpfMapRef;
import io.ebpf4j.spring.EbpfCollectionException;
import io.ebpf4j.spring.EbpfConfigurationException;
import io.ebpf4j.spring.autoconfigure.EbpfProperties.FailureMode;
import io.ebpf4j.spring.metrics.EbpfMetricsProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceEditor;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Declares a bean for every collection, map and program of the objects named under {@code ebpf.collections}, so that
 * application beans can inject them like any other: {@code <collection>} ({@link BpfCollection}),
 * {@code <collection>.<map>} ({@link BpfMap}, also selectable with {@link BpfMapRef}), {@code <collection>.<map>.typed}
 * ({@link TypedMap}, prototype, codecs chosen per injection point), {@code <collection>.<program>} ({@link BpfProgram})
 * and, when ebpf4j's build plugin generated a class for the object, {@code <collection>.objects} (that
 * {@code XxxObjects} class, over the loaded collection). The names depend on the objects' contents, so the objects are
 * read (parsed, not loaded) here, with the few settings that matter bound straight from the environment: this runs
 * before any bean, including the {@code @ConfigurationProperties} one, exists. Every bean is made by
 * {@link EbpfCollectionRegistry}, which loads the objects; a bean name the application already uses is left to the
 * application.
 *
 * <p>Ahead-of-time processing (native images) runs this registrar at build time: the set of beans is then fixed by
 * the configuration and objects seen at build time, while loading still happens at run time.
 */
class EbpfBeanDefinitionRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, ResourceLoaderAware {
    private static final Log logger = LogFactory.getLog(EbpfBeanDefinitionRegistrar.class);

    private static final ConfigurationPropertyName COLLECTIONS = ConfigurationPropertyName.of("ebpf.collections");

    /** Written by ebpf4j's build plugin (ebpf4j-codegen's {@code BpfBuild.OBJECTS_INDEX}): object=class lines. */
    static final String GENERATED_OBJECTS = "META-INF/ebpf4j/objects.properties";

    private Environment environment;
    private ResourceLoader resourceLoader;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setResourceLoader(ResourceLoader resourceLoader) {
        this.resourceLoader = resourceLoader;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        if (!registry.containsBeanDefinition(EbpfCollectionRegistry.BEAN_NAME)) {
            return; // the application defines its own EbpfCollections and loads collections itself
        }
        rejectDottedCollectionNames();
        Binder binder = new Binder(ConfigurationPropertySources.get(environment),
                new PropertySourcesPlaceholdersResolver(environment), null,
                editors -> editors.registerCustomEditor(Resource.class,
                        new ResourceEditor(resourceLoader, environment)));
        FailureMode defaultMode = binder.bind("ebpf.failure-mode", FailureMode.class).orElse(FailureMode.FAIL);
        Map<String, DeclaredCollection> declared = binder.bind("ebpf.collections",
                Bindable.mapOf(String.class, DeclaredCollection.class)).orElse(Map.of());
        Map<String, Class<?>> generatedObjects = declared.isEmpty() ? Map.of() : generatedObjects();
        declared.forEach((name, collection) -> {
            register(registry, name, BpfCollection.class, "collection", name);
            if (collection.getObject() == null) {
                return; // binding the properties bean reports it
            }
            CollectionSpec spec;
            try {
                spec = BpfObjectLoader.read(name, collection.getObject());
            } catch (EbpfCollectionException e) {
                FailureMode mode = collection.getFailureMode() != null ? collection.getFailureMode() : defaultMode;
                if (mode == FailureMode.FAIL) {
                    throw e;
                }
                return; // the registry reports the failure; the collection gets no map or program beans
            }
            for (String map : BpfObjectLoader.declaredMaps(spec)) {
                RootBeanDefinition mapBean = register(registry, name + "." + map, BpfMap.class, "map", name, map);
                qualify(mapBean, name, map);
                RootBeanDefinition typedBean = register(registry, name + "." + map + ".typed", TypedMap.class,
                        "typedMap", name, map);
                if (typedBean != null) {
                    typedBean.setScope(BeanDefinition.SCOPE_PROTOTYPE);
                    qualify(typedBean, name, map);
                }
            }
            Map<String, Boolean> enabled = new LinkedHashMap<>();
            collection.getPrograms().forEach((program, settings) -> enabled.put(program, settings.isEnabled()));
            for (String program : BpfObjectLoader.enabledPrograms(spec, enabled)) {
                register(registry, name + "." + program, BpfProgram.class, "program", name, program);
            }
            if (collection.getObject() instanceof ClassPathResource object) {
                Class<?> objects = generatedObjects.get(object.getPath());
                if (objects != null) {
                    register(registry, name + ".objects", objects, "objects", name, objects.getName());
                }
            }
        });
    }

    /**
     * The {@code XxxObjects} classes ebpf4j's build plugin generated, by the class path location of their object
     * (from every {@value BpfObjectsIndex#LOCATION} on the class path); classes that do not load are left out.
     */
    private Map<String, Class<?>> generatedObjects() {
        ClassLoader classLoader = resourceLoader.getClassLoader();
        Map<String, Class<?>> classes = new HashMap<>();
        try {
            for (URL url : Collections.list(classLoader.getResources(GENERATED_OBJECTS))) {
                Properties index = new Properties();
                try (InputStream in = url.openStream()) {
                    index.load(in);
                }
                for (String object : index.stringPropertyNames()) {
                    String className = index.getProperty(object);
                    if (ClassUtils.isPresent(className, classLoader)) {
                        classes.putIfAbsent(object, ClassUtils.resolveClassName(className, classLoader));
                    } else {
                        logger.debug("Not declaring a bean for " + className + " (listed in " + url
                                + "): it is not on the class path");
                    }
                }
            }
        } catch (IOException e) {
            logger.warn("Cannot read " + GENERATED_OBJECTS + ": generated XxxObjects classes get no beans", e);
        }
        return classes;
    }

    /**
     * Spring binds {@code ebpf.collections.cachestat-5.16.object} as collection {@code cachestat-5} with a property
     * {@code 16.object} it ignores: the collection would vanish without a word. A property under a collection whose
     * next element is no collection setting, while a later one is, is such a name; start-up stops with the bracket
     * form that keeps the dots in the name.
     */
    private void rejectDottedCollectionNames() {
        Set<String> settings = new HashSet<>();
        for (Class<?> collectionSettings : List.of(EbpfProperties.CollectionProperties.class,
                EbpfMetricsProperties.CollectionMetricsProperties.class)) {
            for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(collectionSettings)) {
                if (!descriptor.getName().equals("class")) {
                    settings.add(descriptor.getName().toLowerCase(Locale.ROOT));
                }
            }
        }
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.filter(COLLECTIONS::isAncestorOf).forEach(property -> {
                if (property.getNumberOfElements() < 5
                        || settings.contains(property.getElement(3, ConfigurationPropertyName.Form.UNIFORM))) {
                    return;
                }
                for (int end = 4; end < property.getNumberOfElements(); end++) {
                    if (settings.contains(property.getElement(end, ConfigurationPropertyName.Form.UNIFORM))) {
                        StringBuilder name = new StringBuilder(property.getElement(2,
                                ConfigurationPropertyName.Form.ORIGINAL));
                        for (int i = 3; i < end; i++) {
                            name.append('.').append(property.getElement(i, ConfigurationPropertyName.Form.ORIGINAL));
                        }
                        throw dottedName(property.toString(), name.toString(), property.subName(end).toString());
                    }
                }
            });
        }
    }

    private static EbpfConfigurationException dottedName(String property, String name, String setting) {
        return new EbpfConfigurationException(name, null, null, property, "the collection name '" + name
                + "' contains dots, which separate property names: '" + property + "' is read as a collection '"
                + name.substring(0, name.indexOf('.')) + "' with an unknown setting, and '" + name + "' would not"
                + " be loaded. Write the name in brackets: ebpf.collections[" + name + "]." + setting
                + " (in YAML, the key \"[" + name + "]\")", List.of(), null);
    }

    /** A bean made by a registry method from constant arguments; {@code null} when the name is already taken. */
    private static RootBeanDefinition register(BeanDefinitionRegistry registry, String beanName, Class<?> type,
            String factoryMethod, Object... arguments) {
        if (registry.containsBeanDefinition(beanName)) {
            logger.info("Not declaring a " + type.getSimpleName() + " bean '" + beanName + "': the application"
                    + " already declares a bean of that name");
            return null;
        }
        RootBeanDefinition definition = new RootBeanDefinition();
        definition.setTargetType(ResolvableType.forClass(type));
        definition.setFactoryBeanName(EbpfCollectionRegistry.BEAN_NAME);
        definition.setFactoryMethodName(factoryMethod);
        for (int i = 0; i < arguments.length; i++) {
            definition.getConstructorArgumentValues().addIndexedArgumentValue(i, arguments[i]);
        }
        // The remaining factory method argument (the InjectionPoint of typed maps) is autowired.
        definition.setAutowireMode(AbstractBeanDefinition.AUTOWIRE_CONSTRUCTOR);
        // The registry closes maps and programs after detaching links; the container must not close them first.
        definition.setDestroyMethodName("");
        registry.registerBeanDefinition(beanName, definition);
        return definition;
    }

    /**
     * The settings of {@code ebpf.collections.<name>} that decide which beans exist. Binding only these (rather than
     * {@link EbpfProperties} with its metrics settings) keeps this early pass cheap; the properties bean, bound and
     * validated later, carries everything.
     */
    static class DeclaredCollection {
        private Resource object;
        private FailureMode failureMode;
        private Map<String, DeclaredProgram> programs = new LinkedHashMap<>();

        public Resource getObject() {
            return object;
        }

        public void setObject(Resource object) {
            this.object = object;
        }

        public FailureMode getFailureMode() {
            return failureMode;
        }

        public void setFailureMode(FailureMode failureMode) {
            this.failureMode = failureMode;
        }

        public Map<String, DeclaredProgram> getPrograms() {
            return programs;
        }

        public void setPrograms(Map<String, DeclaredProgram> programs) {
            this.programs = programs;
        }
    }

    /** Whether a program is loaded, hence gets a bean. */
    static class DeclaredProgram {
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    private static void qualify(RootBeanDefinition definition, String collection, String map) {
        if (definition == null) {
            return;
        }
        AutowireCandidateQualifier qualifier = new AutowireCandidateQualifier(BpfMapRef.class);
        qualifier.setAttribute("collection", collection);
        qualifier.setAttribute("map", map);
        definition.addQualifier(qualifier);
    }
}
