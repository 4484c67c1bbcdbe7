package io.ebpf4j.spring.metrics;

import io.ebpf4j.internal.Mounts;
import io.ebpf4j.internal.sys.Arch;
import io.ebpf4j.internal.sys.Errno;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The decoders a label's chain can name: ebpf_exporter's set (under their kebab-case names; the snake_case
 * spellings {@code inet_ip}, {@code static_map}, {@code pci_vendor}... are accepted too) and the application's
 * {@link EbpfLabelDecoder} beans, which replace built-ins of the same name.
 *
 * <p>Decoders backed by system tables (ifname, majorminor, cgroup, ksym, kstack, pci-*) share one lazily loaded,
 * bounded table each.
 */
public final class LabelDecoders {
    /** Decoders whose input is text (a number as the {@code uint} decoder writes it, or a string). */
    private static final Set<String> TEXT_INPUT = Set.of("syscall", "errno", "cgroup", "static-map", "regexp",
            "pci-vendor", "pci-device", "pci-class", "pci-subclass", "dname");
    /** Of those, the ones that parse a number. */
    private static final Set<String> NUMBER_INPUT = Set.of("syscall", "errno", "cgroup", "pci-vendor",
            "pci-device", "pci-class", "pci-subclass");

    private final Map<String, Function<EbpfMetricsProperties.Decoder, EbpfLabelDecoder>> factories =
            new LinkedHashMap<>();

    /** The built-in decoders for this machine, plus {@code custom} ones. */
    public static LabelDecoders create(int cacheSize, List<EbpfLabelDecoder> custom) {
        String[] syscalls;
        try {
            syscalls = Arch.current() == Arch.AARCH64 ? SyscallTables.AARCH64 : SyscallTables.X86_64;
        } catch (UnsupportedOperationException e) {
            syscalls = new String[0]; // another architecture: every number decodes as unknown_syscall:<n>
        }
        Path cgroupRoot;
        try {
            cgroupRoot = Mounts.find(Mounts.CGROUP2).orElse(Path.of("/sys/fs/cgroup"));
        } catch (RuntimeException e) {
            cgroupRoot = Path.of("/sys/fs/cgroup"); // no /proc/self/mountinfo: the decoder answers unknown ids
        }
        return new LabelDecoders(cacheSize, syscalls, cgroupRoot, Path.of("/proc/kallsyms"),
                Path.of("/proc/partitions"), PciIds.SYSTEM_PATHS, custom);
    }

    LabelDecoders(int cacheSize, String[] syscalls, Path cgroupRoot, Path kallsyms, Path partitions,
            List<Path> pciIds, List<EbpfLabelDecoder> custom) {
        InterfaceNames interfaces = new InterfaceNames(cacheSize);
        BlockDevices devices = new BlockDevices(partitions, cacheSize);
        CgroupPaths cgroups = new CgroupPaths(cgroupRoot, cacheSize, TimeUnit.SECONDS.toNanos(1), System::nanoTime);
        KernelSymbols symbols = new KernelSymbols(kallsyms, TimeUnit.MINUTES.toNanos(1), System::nanoTime);
        PciIds pci = new PciIds(pciIds);

        fixed("uint", LabelDecoders::uint);
        fixed("string", LabelDecoders::cString);
        fixed("hex", input -> HexFormat.of().formatHex(input));
        fixed("inet-ip", LabelDecoders::inetIp);
        fixed("dname", LabelDecoders::dname);
        fixed("errno", LabelDecoders::errno);
        fixed("syscall", input -> syscall(syscalls, input));
        fixed("ifname", interfaces::decode);
        fixed("majorminor", devices::decode);
        fixed("cgroup", cgroups::decode);
        fixed("ksym", symbols::decodeSymbol);
        fixed("kstack", symbols::decodeStack);
        fixed("pci-vendor", pci::vendor);
        fixed("pci-device", pci::device);
        fixed("pci-class", pci::deviceClass);
        fixed("pci-subclass", pci::subclass);
        factories.put("static-map", LabelDecoders::staticMap);
        factories.put("regexp", LabelDecoders::regexp);
        for (EbpfLabelDecoder decoder : custom) {
            factories.put(decoder.name(), config -> decoder);
        }
    }

    private void fixed(String name, Function<byte[], String> decode) {
        EbpfLabelDecoder decoder = EbpfLabelDecoder.of(name, decode);
        factories.put(name, config -> decoder);
    }

    /** The names a chain may use. */
    public Set<String> names() {
        return factories.keySet();
    }

    /**
     * The chain for one label. An empty list decodes integers of 1, 2, 4 or 8 bytes with {@code uint} and anything
     * else with {@code hex}. A chain that starts with a decoder reading text ({@code syscall}, {@code errno},
     * {@code static-map}, {@code regexp}, ...) gets {@code uint} (for integer slices) or {@code string} put in
     * front, which ebpf_exporter configurations spell out.
     *
     * @param integerSlice whether the label's bytes hold an integer (by BTF, or by size without BTF)
     * @throws IllegalArgumentException for unknown names and bad settings
     */
    DecoderChain chain(List<EbpfMetricsProperties.Decoder> configs, boolean integerSlice) {
        List<EbpfLabelDecoder> steps = new ArrayList<>();
        for (EbpfMetricsProperties.Decoder config : configs) {
            if (config.getName() == null || config.getName().isBlank()) {
                throw new IllegalArgumentException("a decoder without a name; known decoders: " + names());
            }
            String name = normalize(config.getName());
            Function<EbpfMetricsProperties.Decoder, EbpfLabelDecoder> factory = factories.get(name);
            if (factory == null) {
                throw new IllegalArgumentException("unknown decoder '" + config.getName() + "'; known decoders: "
                        + names() + " and EbpfLabelDecoder beans");
            }
            steps.add(factory.apply(config));
        }
        if (steps.isEmpty()) {
            steps.add(factories.get(integerSlice ? "uint" : "hex").apply(null));
        } else if (TEXT_INPUT.contains(normalize(configs.get(0).getName()))) {
            boolean number = NUMBER_INPUT.contains(normalize(configs.get(0).getName()));
            if (number && !integerSlice) {
                throw new IllegalArgumentException("decoder '" + configs.get(0).getName()
                        + "' reads a number, but the label is not an integer of 1, 2, 4 or 8 bytes");
            }
            steps.add(0, factories.get(integerSlice ? "uint" : "string").apply(null));
        }
        return new DecoderChain(steps.toArray(EbpfLabelDecoder[]::new));
    }

    private String normalize(String name) {
        if (factories.containsKey(name)) {
            return name;
        }
        String kebab = name.toLowerCase(Locale.ROOT).replace('_', '-');
        return factories.containsKey(kebab) ? kebab : name;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Built-in decoders that need no system tables

    static String uint(byte[] input) {
        return Long.toUnsignedString(NativeInts.read(input));
    }

    static String cString(byte[] input) {
        int length = 0;
        while (length < input.length && input[length] != 0) {
            length++;
        }
        return new String(input, 0, length, StandardCharsets.UTF_8);
    }

    static String inetIp(byte[] input) {
        if (input.length != 4 && input.length != 16) {
            throw new IllegalArgumentException("inet-ip needs 4 (IPv4) or 16 (IPv6) bytes, got " + input.length);
        }
        try {
            // getByAddress turns IPv4-mapped IPv6 addresses into IPv4 ones, printed dotted like Go does
            InetAddress address = InetAddress.getByAddress(input);
            return address instanceof java.net.Inet6Address ? ipv6(input) : address.getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** RFC 5952 text: lowercase, leading zeros dropped, the longest run (2+) of zero groups as {@code ::}. */
    private static String ipv6(byte[] a) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (a[2 * i] & 0xff) << 8 | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    /** DNS wire format (length-prefixed labels) to a dotted name; input that does not parse is returned as is. */
    static String dname(byte[] input) {
        if (input.length == 0) {
            return ".";
        }
        byte[] out = new byte[input.length];
        for (int off = 0; off < input.length; ) {
            int n = input[off] & 0xff;
            out[off] = '.';
            off++;
            if (off + n > input.length) {
                return new String(input, StandardCharsets.UTF_8);
            }
            System.arraycopy(input, off, out, off, n);
            off += n;
        }
        return new String(out, 1, out.length - 1, StandardCharsets.UTF_8);
    }

    static String errno(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        long number = Long.parseUnsignedLong(text);
        String name = number >= 0 && number < Integer.MAX_VALUE ? Errno.nameOrNull((int) number) : null;
        return name != null ? name : "unknown:" + text;
    }

    static String syscall(String[] table, byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        long number = Long.parseUnsignedLong(text);
        String name = number >= 0 && number < table.length ? table[(int) number] : null;
        return name != null ? name : "unknown_syscall:" + text;
    }

    private static EbpfLabelDecoder staticMap(EbpfMetricsProperties.Decoder config) {
        Map<String, String> mapping = Map.copyOf(config.getStaticMap());
        if (mapping.isEmpty()) {
            throw new IllegalArgumentException("static-map needs 'static-map' entries (input: output)");
        }
        boolean allowUnknown = config.isAllowUnknown();
        return EbpfLabelDecoder.of("static-map", input -> {
            String text = new String(input, StandardCharsets.UTF_8);
            String mapped = mapping.get(text);
            if (mapped != null) {
                return mapped;
            }
            return allowUnknown ? text : "unknown:" + text;
        });
    }

    private static EbpfLabelDecoder regexp(EbpfMetricsProperties.Decoder config) {
        if (config.getRegexps().isEmpty()) {
            throw new IllegalArgumentException("regexp needs 'regexps'");
        }
        List<Pattern> patterns = new ArrayList<>();
        for (String expression : config.getRegexps()) {
            try {
                patterns.add(Pattern.compile(expression));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("bad regexp '" + expression + "': " + e.getDescription(), e);
            }
        }
        return EbpfLabelDecoder.of("regexp", input -> {
            String text = new String(input, StandardCharsets.UTF_8);
            for (Pattern pattern : patterns) {
                Matcher m = pattern.matcher(text);
                if (m.find()) {
                    if (m.groupCount() == 0) {
                        return m.group();
                    }
                    String group = m.group(1);
                    return group != null ? group : "";
                }
            }
            return null; // no pattern matches: drop the series
        });
    }
}
