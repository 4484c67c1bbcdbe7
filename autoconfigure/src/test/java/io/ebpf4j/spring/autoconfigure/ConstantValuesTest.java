package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.CollectionSpec;
import io.ebpf4j.VariableSpec;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Text of {@code constants} entries turned into variable values, checked against the variables' BTF types. */
class ConstantValuesTest {
    private final CollectionSpec spec = load();

    @Test
    void numbersInDecimalAndHex() {
        assertThat(set("delta", "-7").getLong()).isEqualTo(-7);
        assertThat(set("small", "0xff").getLong() & 0xff).isEqualTo(0xff);
        assertThat(set("address", "0xffffffff81000000").getLong()).isEqualTo(0xffffffff81000000L);
        assertThat(set("address", "18446744073709551615").getLong()).isEqualTo(-1L);
    }

    @Test
    void booleansSelfAndStrings() {
        assertThat(set("enabled", "true").getLong()).isEqualTo(1);
        assertThat(set("target_pid", "self").getLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(new String(set("comm", "java").get(), StandardCharsets.UTF_8)).startsWith("java\0");
        assertThat(new String(set("comm", "1234").get(), StandardCharsets.UTF_8))
                .as("a char array takes digits as text").startsWith("1234\0");
    }

    @Test
    void valuesThatDoNotFit() {
        assertThatIllegalArgumentException().isThrownBy(() -> set("small", "256"))
                .withMessageContaining("256 does not fit variable 'small'");
        assertThatIllegalArgumentException().isThrownBy(() -> set("delta", "ten"))
                .withMessageContaining("'ten' is not a number, true/false, 'self' or 'kaddr:<symbol>'");
        assertThatIllegalArgumentException().isThrownBy(() -> set("comm", "a name longer than sixteen"))
                .withMessageContaining("holds 15 characters");
    }

    @Test
    void kernelAddressesOfSymbolsThatDoNotExist() {
        assertThatIllegalArgumentException().isThrownBy(() -> set("address", "kaddr:no_such_kernel_symbol_ebpf4j"))
                .withMessage("kernel symbol 'no_such_kernel_symbol_ebpf4j' is not in /proc/kallsyms");
    }

    private VariableSpec set(String name, String text) {
        VariableSpec variable = spec.variables().get(name);
        return variable.set(ConstantValues.resolve(variable, text));
    }

    private static CollectionSpec load() {
        try (InputStream in = new ClassPathResource("bpf/constants.bpf.o").getInputStream()) {
            return CollectionSpec.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
