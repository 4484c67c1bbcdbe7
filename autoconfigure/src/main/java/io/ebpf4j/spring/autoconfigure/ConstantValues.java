package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.VariableSpec;
import io.ebpf4j.btf.Array;
import io.ebpf4j.btf.Types;
import io.ebpf4j.internal.Kallsyms;

import java.util.OptionalLong;

/**
 * Turns the text of a {@code constants} entry into the value its variable is set to. The variable's BTF type
 * decides how text is read: a {@code char[]} takes the text itself, every other variable a number, a boolean,
 * 'self' (this JVM's process id) or 'kaddr:<symbol>' (a kernel symbol's address from /proc/kallsyms, as
 * ebpf_exporter's kaddrs).
 */
final class ConstantValues {
    static final String KADDR_PREFIX = "kaddr:";

    private ConstantValues() {}

    /** @throws IllegalArgumentException with a message fit for the user when the text is not a valid value */
    static Object resolve(VariableSpec variable, String text) {
        if (variable.type() != null && Types.underlying(variable.type()) instanceof Array) {
            return text;
        }
        String value = text.trim();
        if (value.equals(SelfTargets.SELF)) {
            return SelfTargets.pid();
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        if (value.startsWith(KADDR_PREFIX)) {
            return kernelAddress(value.substring(KADDR_PREFIX.length()));
        }
        return number(value);
    }

    private static long kernelAddress(String symbol) {
        OptionalLong address = Kallsyms.address(symbol);
        if (address.isEmpty()) {
            throw new IllegalArgumentException("kernel symbol '" + symbol + "' is not in /proc/kallsyms");
        }
        if (address.getAsLong() == 0) {
            throw new IllegalArgumentException("/proc/kallsyms shows address 0 for '" + symbol + "': this process"
                    + " may not see kernel addresses (it needs CAP_SYSLOG, and kernel.kptr_restrict must be below 2)");
        }
        return address.getAsLong();
    }

    private static long number(String value) {
        try {
            return Long.decode(value);
        } catch (NumberFormatException e) {
            // Unsigned 64-bit values above Long.MAX_VALUE.
            try {
                return value.startsWith("0x") || value.startsWith("0X")
                        ? Long.parseUnsignedLong(value.substring(2), 16) : Long.parseUnsignedLong(value);
            } catch (NumberFormatException notUnsigned) {
                throw new IllegalArgumentException("'" + value + "' is not a number, true/false, 'self' or"
                        + " 'kaddr:<symbol>'");
            }
        }
    }
}
