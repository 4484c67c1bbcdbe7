package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.BpfCollection;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.CollectionSpec;
import io.ebpf4j.TypedMap;
import io.ebpf4j.spring.BpfMapRef;
import io.ebpf4j.spring.EbpfCollectionException;
import io.ebpf4j.spring.autoconfigure.EbpfProperties.FailureMode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceEditor;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Declares a bean for every collection, map and program of the objects named under {@code ebpf.collections}, so
 * that application beans can inject them like any other: {@code <collection>} ({@link BpfCollection}),
 * {@code <collection>.<map>} ({@link BpfMap}, also selectable with {@link BpfMapRef}), {@code <collection>.<map>.typed}
 * ({@link TypedMap}, prototype, codecs chosen per injection point) and {@code <collection>.<program>}
 * ({@link BpfProgram}). The names depend on the objects' contents, so the objects are read (parsed, not loaded) here,
 * with {@code ebpf.*} bound straight from the environment: this runs before any bean, including the
 * {@code @ConfigurationProperties} one, exists. Every bean is made by {@link EbpfCollectionRegistry}, which loads the
 * objects; a bean name the application already uses is left to the application.
 *
 * <p>Ahead-of-time processing (native images) runs this registrar at build time: the set of beans is then fixed by
 * the configuration and objects seen at build time, while loading still happens at run time.
 */
class EbpfBeanDefinitionRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, ResourceLoaderAware {
    private static final Log logger = LogFactory.getLog(EbpfBeanDefinitionRegistrar.class);

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
        EbpfProperties properties = bind();
        properties.getCollections().forEach((name, config) -> {
            register(registry, name, BpfCollection.class, "collection", name);
            CollectionSpec spec;
            try {
                spec = BpfObjectLoader.read(name, config);
            } catch (EbpfCollectionException e) {
                FailureMode mode = config.getFailureMode() != null ? config.getFailureMode()
                        : properties.getFailureMode();
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
            for (String program : BpfObjectLoader.enabledPrograms(spec, config)) {
                register(registry, name + "." + program, BpfProgram.class, "program", name, program);
            }
        });
    }

    /** Binds and validates {@code ebpf.*} as the properties bean will be, resolving resources like the context. */
    private EbpfProperties bind() {
        EbpfProperties properties = new EbpfProperties();
        Binder binder = new Binder(ConfigurationPropertySources.get(environment),
                new PropertySourcesPlaceholdersResolver(environment), null,
                editors -> editors.registerCustomEditor(Resource.class, new ResourceEditor(resourceLoader, environment)));
        binder.bind("ebpf", Bindable.ofInstance(properties), new ValidationBindHandler(properties));
        return properties;
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
