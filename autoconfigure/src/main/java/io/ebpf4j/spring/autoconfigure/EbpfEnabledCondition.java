package io.ebpf4j.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless {@code ebpf.enabled} is {@code false}. Unlike a property condition, which would quietly switch the
 * starter off for a value such as {@code ture}, it binds the value as a boolean: anything else fails start-up with
 * Spring Boot's bind failure analysis naming the property.
 */
class EbpfEnabledCondition extends SpringBootCondition {
    static final String PROPERTY = "ebpf.enabled";

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        boolean enabled = Binder.get(context.getEnvironment()).bind(PROPERTY, Boolean.class).orElse(true);
        return enabled ? ConditionOutcome.match(PROPERTY + " is not false")
                : ConditionOutcome.noMatch(PROPERTY + " is false");
    }
}
