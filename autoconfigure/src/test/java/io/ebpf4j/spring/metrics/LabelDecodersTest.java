package io.ebpf4j.spring.metrics;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.ebpf4j.spring.metrics.TestMaps.bytes;
import static io.ebpf4j.spring.metrics.TestMaps.decoder;
import static io.ebpf4j.spring.metrics.TestMaps.u32;
import static io.ebpf4j.spring.metrics.TestMaps.u64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelDecodersTest {
    private final LabelDecoders decoders = TestMaps.decoders();

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String decode(LabelDecoders from, byte[] input, boolean integer, EbpfMetricsProperties.Decoder... chain) {
        return from.chain(new ArrayList<>(List.of(chain)), integer).decode(input);
    }

    private String decode(byte[] input, String... names) {
        return decode(decoders, input, NativeInts.isIntegerSize(input.length),
                java.util.Arrays.stream(names).map(TestMaps::decoder).toArray(EbpfMetricsProperties.Decoder[]::new));
    }

    @Test
    void uintReadsHostOrderUnsignedIntegersOfEverySize() {
        assertThat(decode(new byte[] {(byte) 200}, "uint")).isEqualTo("200");
        assertThat(decode(bytes(2, b -> b.putShort((short) 0xfffe)), "uint")).isEqualTo("65534");
        assertThat(decode(u32(-1), "uint")).isEqualTo("4294967295");
        assertThat(decode(u64(-1), "uint")).isEqualTo("18446744073709551615");
        assertThatThrownBy(() -> decode(new byte[3], "uint")).isInstanceOf(DecoderChain.DecodingException.class)
                .hasMessageContaining("'uint'").hasMessageContaining("3 bytes");
    }

    @Test
    void stringStopsAtTheFirstNul() {
        assertThat(decode(new byte[] {'b', 'a', 's', 'h', 0, 'x', 0, 0}, "string")).isEqualTo("bash");
        assertThat(decode(text("no-nul"), "string")).isEqualTo("no-nul");
    }

    @Test
    void hexIsLowercase() {
        assertThat(decode(new byte[] {(byte) 0xde, (byte) 0xad, 0x0f}, "hex")).isEqualTo("dead0f");
    }

    @Test
    void inetIpFormatsIpv4AndCompressedIpv6() {
        assertThat(decode(new byte[] {10, 0, 0, 1}, "inet-ip")).isEqualTo("10.0.0.1");
        byte[] loopback6 = new byte[16];
        loopback6[15] = 1;
        assertThat(decode(loopback6, "inet-ip")).isEqualTo("::1");
        byte[] doc = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        assertThat(decode(doc, "inet_ip")).isEqualTo("2001:db8::1");
        byte[] runs = {0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
        assertThat(decode(runs, "inet-ip")).isEqualTo("2001:0:0:1::1");
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, (byte) 168, 1, 2};
        assertThat(decode(mapped, "inet-ip")).isEqualTo("192.168.1.2");
        assertThatThrownBy(() -> decode(new byte[6], "inet-ip")).isInstanceOf(DecoderChain.DecodingException.class);
    }

    @Test
    void dnameTurnsWireFormatIntoADottedName() {
        byte[] wire = {3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 0};
        assertThat(decode(wire, "string", "dname")).isEqualTo("www.example.com");
        // dname first: 'string' is put in front for a byte array
        assertThat(decode(wire, "dname")).isEqualTo("www.example.com");
        // a length reaching past the input: returned as is
        assertThat(decode(decoders, new byte[] {9, 'a', 'b'}, false, decoder("dname"))).isEqualTo("\tab");
    }

    @Test
    void errnoNamesKnownNumbers() {
        assertThat(decode(u32(2), "uint", "errno")).isEqualTo("ENOENT");
        assertThat(decode(u64(32), "errno")).isEqualTo("EPIPE");
        assertThat(decode(u32(4000), "errno")).isEqualTo("unknown:4000");
    }

    @Test
    void syscallNamesNumbersForBothArchitectures() {
        LabelDecoders x86 = TestMaps.decoders();
        LabelDecoders arm64 = new LabelDecoders(10, SyscallTables.AARCH64, Path.of("/none"), Path.of("/none"),
                Path.of("/none"), List.of(), List.of());
        assertThat(decode(x86, u64(0), true, decoder("uint"), decoder("syscall"))).isEqualTo("read");
        assertThat(decode(x86, u64(39), true, decoder("syscall"))).isEqualTo("getpid");
        assertThat(decode(x86, u64(321), true, decoder("syscall"))).isEqualTo("bpf");
        assertThat(decode(arm64, u64(172), true, decoder("syscall"))).isEqualTo("getpid");
        assertThat(decode(arm64, u64(280), true, decoder("syscall"))).isEqualTo("bpf");
        assertThat(decode(arm64, u64(56), true, decoder("syscall"))).isEqualTo("openat");
        assertThat(decode(x86, u64(100000), true, decoder("syscall"))).isEqualTo("unknown_syscall:100000");
        assertThat(decode(arm64, u64(244), true, decoder("syscall"))).isEqualTo("unknown_syscall:244");
    }

    @Test
    void staticMapMapsAndMarksOrKeepsUnknownInputs() {
        EbpfMetricsProperties.Decoder map = decoder("static-map");
        map.setStaticMap(new LinkedHashMap<>(Map.of("6", "tcp", "17", "udp")));
        assertThat(decode(decoders, new byte[] {6}, true, decoder("uint"), map)).isEqualTo("tcp");
        assertThat(decode(decoders, new byte[] {17}, true, map)).isEqualTo("udp");
        assertThat(decode(decoders, new byte[] {1}, true, map)).isEqualTo("unknown:1");
        map.setAllowUnknown(true);
        assertThat(decode(decoders, new byte[] {1}, true, map)).isEqualTo("1");
        assertThatThrownBy(() -> decoders.chain(List.of(decoder("static_map")), true))
                .hasMessageContaining("static-map");
    }

    @Test
    void regexpKeepsTheFirstGroupOrTheMatchAndDropsTheSeriesOtherwise() {
        EbpfMetricsProperties.Decoder regexp = decoder("regexp");
        regexp.setRegexps(new ArrayList<>(List.of("^/sys/fs/cgroup/(system\\.slice/[^/]+)", "^kworker")));
        byte[] slice = text("/sys/fs/cgroup/system.slice/nginx.service/sub\0\0");
        assertThat(decode(decoders, slice, false, regexp)).isEqualTo("system.slice/nginx.service");
        assertThat(decode(decoders, text("kworker/0:1"), false, regexp)).isEqualTo("kworker");
        assertThat(decode(decoders, text("bash"), false, regexp)).isNull();
        EbpfMetricsProperties.Decoder bad = decoder("regexp");
        bad.setRegexps(new ArrayList<>(List.of("(unclosed")));
        assertThatThrownBy(() -> decoders.chain(List.of(bad), false)).hasMessageContaining("bad regexp");
    }

    @Test
    void ifnameResolvesInterfaceIndexes() throws IOException {
        NetworkInterface lo = NetworkInterface.getByName("lo");
        assertThat(decode(u32(lo.getIndex()), "ifname")).isEqualTo("lo");
        assertThat(decode(u32(999_999), "ifname")).isEqualTo("unknown:999999");
    }

    @Test
    void majorminorLooksUpPartitions(@TempDir Path dir) throws IOException {
        Path partitions = Files.writeString(dir.resolve("partitions"), """
                major minor  #blocks  name

                 254        0   41943040 vda
                 259        1    1048576 nvme0n1p1
                """);
        LabelDecoders local = new LabelDecoders(10, SyscallTables.X86_64, dir, dir, partitions, List.of(), List.of());
        // new_encode_dev: minor low 8 bits | major << 8 | (minor >> 8) << 20
        assertThat(decode(local, u32(254 << 8), true, decoder("majorminor"))).isEqualTo("vda");
        assertThat(decode(local, u32(259 << 8 | 1), true, decoder("majorminor"))).isEqualTo("nvme0n1p1");
        assertThat(decode(local, u32(8 << 8 | 0x12 | 0x3 << 20), true, decoder("majorminor")))
                .isEqualTo("unknown:8:786");
    }

    @Test
    void cgroupResolvesIdsToPathsAndRescansForNewCgroups(@TempDir Path root) throws IOException {
        Path app = Files.createDirectories(root.resolve("system.slice/app.service"));
        AtomicLong clock = new AtomicLong();
        CgroupPaths paths = new CgroupPaths(root, 100, 1_000, clock::get);
        long appId = ((Number) Files.getAttribute(app, "unix:ino")).longValue();
        assertThat(paths.decode(text(Long.toString(appId)))).isEqualTo(app.toString());

        Path later = Files.createDirectories(root.resolve("later"));
        long laterId = ((Number) Files.getAttribute(later, "unix:ino")).longValue();
        // within the rescan interval an unknown id is not looked for again
        assertThat(paths.decode(text(Long.toString(laterId)))).isEqualTo("unknown_cgroup_id:" + laterId);
        clock.addAndGet(1_001);
        assertThat(paths.decode(text(Long.toString(laterId)))).isEqualTo(later.toString());
    }

    @Test
    void ksymAndKstackResolveAddressesToTheEnclosingSymbol(@TempDir Path dir) throws IOException {
        Path kallsyms = Files.writeString(dir.resolve("kallsyms"), """
                ffffffff81000000 T _stext
                ffffffff81001000 T do_sys_openat2
                ffffffff81000800 t helper_in_between
                ffffffffc0001000 t mod_func\t[mymod]
                """);
        LabelDecoders local = new LabelDecoders(10, SyscallTables.X86_64, dir, kallsyms, dir, List.of(), List.of());
        assertThat(decode(local, u64(0xffffffff81001010L), true, decoder("ksym"))).isEqualTo("do_sys_openat2");
        assertThat(decode(local, u64(0xffffffff81000900L), true, decoder("ksym"))).isEqualTo("helper_in_between");
        assertThat(decode(local, u64(0xffffffffc0001234L), true, decoder("ksym"))).isEqualTo("mod_func");
        assertThat(decode(local, u64(0x1000L), true, decoder("ksym"))).isEqualTo("unknown_addr:0x1000");
        byte[] stack = bytes(32, b -> b.putLong(0xffffffff81001004L).putLong(0x42L).putLong(0xffffffff81000001L)
                .putLong(0));
        assertThat(decode(local, stack, false, decoder("kstack"))).isEqualTo("do_sys_openat2\n??\n_stext");
    }

    @Test
    void pciDecodersReadThePciIdDatabase(@TempDir Path dir) throws IOException {
        Path ids = Files.writeString(dir.resolve("pci.ids"), """
                # test database
                8086  Intel Corporation
                \t1533  I210 Gigabit Network Connection
                \t\t103c 0003  Ethernet I210-T1 GbE NIC
                1af4  Red Hat, Inc.
                \t1000  Virtio network device
                C 02  Network controller
                \t00  Ethernet controller
                \t80  Network controller
                C 01  Mass storage controller
                \t08  Non-Volatile memory controller
                \t\t02  NVM Express
                """);
        LabelDecoders local = new LabelDecoders(10, SyscallTables.X86_64, dir, dir, dir, List.of(ids), List.of());
        assertThat(decode(local, new byte[] {(byte) 0x86, (byte) 0x80}, true, decoder("pci-vendor")))
                .isEqualTo("Intel Corporation");
        assertThat(decode(local, u32(0x1af4 << 16 | 0x1000), true, decoder("pci_device")))
                .isEqualTo("Virtio network device");
        assertThat(decode(local, new byte[] {2}, true, decoder("pci-class"))).isEqualTo("Network controller");
        assertThat(decode(local, bytes(2, b -> b.putShort((short) 0x0108)), true, decoder("pci-subclass")))
                .isEqualTo("Non-Volatile memory controller");
        assertThat(decode(local, bytes(2, b -> b.putShort((short) 0x0142)), true, decoder("pci-subclass")))
                .isEqualTo("unknown pci subclass: 0x42 (class 0x01)");
        assertThat(decode(local, bytes(2, b -> b.putShort((short) 0x1234)), true, decoder("pci-vendor")))
                .isEqualTo("unknown pci vendor: 0x1234");
        LabelDecoders without = new LabelDecoders(10, SyscallTables.X86_64, dir, dir, dir,
                List.of(dir.resolve("absent")), List.of());
        assertThat(decode(without, new byte[] {2}, true, decoder("pci-class"))).isEqualTo(PciIds.MISSING);
    }

    @Test
    void chainsWithoutDecodersDefaultToUintOrHex() {
        assertThat(decoders.chain(List.of(), true).decode(u32(7))).isEqualTo("7");
        assertThat(decoders.chain(List.of(), false).decode(new byte[] {1, 2, 3})).isEqualTo("010203");
    }

    @Test
    void numberDecodersRefuseSlicesThatAreNoIntegers() {
        assertThatThrownBy(() -> decoders.chain(List.of(decoder("syscall")), false))
                .hasMessageContaining("reads a number");
    }

    @Test
    void unknownDecodersAreReportedWithTheKnownNames() {
        assertThatThrownBy(() -> decoders.chain(List.of(decoder("nope")), true))
                .hasMessageContaining("unknown decoder 'nope'").hasMessageContaining("syscall");
    }

    @Test
    void applicationDecodersChainAndReplaceBuiltIns() {
        EbpfLabelDecoder pod = EbpfLabelDecoder.of("pod", input -> "pod-" + new String(input, StandardCharsets.UTF_8));
        EbpfLabelDecoder hex = EbpfLabelDecoder.of("hex", input -> "custom");
        LabelDecoders custom = TestMaps.decoders(pod, hex);
        assertThat(decode(custom, u64(42), true, decoder("uint"), decoder("pod"))).isEqualTo("pod-42");
        assertThat(decode(custom, new byte[] {1}, true, decoder("hex"))).isEqualTo("custom");
    }

    @Test
    void decoderFailuresNameTheDecoder() {
        EbpfLabelDecoder failing = EbpfLabelDecoder.of("flaky", input -> {
            throw new IllegalStateException("backend down");
        });
        assertThatThrownBy(() -> decode(TestMaps.decoders(failing), u32(1), true, decoder("flaky")))
                .isInstanceOf(DecoderChain.DecodingException.class)
                .hasMessage("decoder 'flaky' failed: backend down");
    }
}
