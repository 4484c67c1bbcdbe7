package io.ebpf4j.spring.actuate;

import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.TestRun;
import io.ebpf4j.internal.sys.Arch;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.spring.autoconfigure.EbpfAutoConfiguration;
import io.ebpf4j.testing.RequiresKernel;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.InvocationContext;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.jackson.EndpointJsonMapper;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointHttpMethod;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.actuate.endpoint.web.WebOperation;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.convert.support.ConfigurableConversionService;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code ebpf} endpoint as the web layer sees it (exposure, access, operations and their paths), invoked the
 * way a request would invoke it and rendered by Boot's endpoint JSON mapper, over {@code bpf/metrics.bpf.o} loaded
 * by the starter's auto-configuration.
 */
@RequiresKernel
class EbpfEndpointKernelTest {
    private static final int TID = (int) LibC.syscall(Arch.current() == Arch.AARCH64 ? 178 : 186, 0, 0, 0, 0, 0);

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EbpfAutoConfiguration.class, EndpointAutoConfiguration.class,
                    WebEndpointAutoConfiguration.class, JacksonEndpointAutoConfiguration.class,
                    EbpfEndpointAutoConfiguration.class))
            // as SpringApplication does: relaxed enum values ('unrestricted') in properties
            .withInitializer(context -> context.getEnvironment()
                    .setConversionService((ConfigurableConversionService) ApplicationConversionService.getSharedInstance()))
            .withPropertyValues(
                    "ebpf.collections.sys.object=classpath:bpf/metrics.bpf.o",
                    "ebpf.collections.sys.constants.target_tid=" + TID,
                    "ebpf.collections.sys.programs.observe.attach=none",
                    "management.endpoints.web.exposure.include=ebpf");

    /** Runs the fixture's XDP program on one observation, {@code times} times. */
    private static void observe(AssertableWebApplicationContext context, int times, int port, int proto, int op,
            long latency) {
        ByteBuffer packet = ByteBuffer.allocate(30).order(ByteOrder.nativeOrder());
        packet.position(14);
        packet.putShort((short) port).put((byte) proto).put((byte) 0).putInt(op).putLong(latency);
        context.getBean("sys.observe", BpfProgram.class).testRun(TestRun.of(packet.array()).withRepeat(times));
    }

    private static ExposableWebEndpoint endpoint(AssertableWebApplicationContext context) {
        return context.getBean(WebEndpointsSupplier.class).getEndpoints().stream()
                .filter(e -> e.getEndpointId().toString().equals("ebpf")).findFirst().orElseThrow();
    }

    private static Object invoke(AssertableWebApplicationContext context, WebEndpointHttpMethod method, String path,
            Map<String, Object> arguments) {
        WebOperation operation = endpoint(context).getOperations().stream()
                .filter(o -> o.getRequestPredicate().getHttpMethod() == method
                        && o.getRequestPredicate().getPath().equals(path))
                .findFirst().orElseThrow(() -> new AssertionError("no " + method + " " + path));
        return operation.invoke(new InvocationContext(SecurityContext.NONE, arguments));
    }

    private static DocumentContext json(AssertableWebApplicationContext context, Object body) throws Exception {
        return JsonPath.parse(context.getBean(EndpointJsonMapper.class).get().writeValueAsString(body));
    }

    private static DocumentContext list(AssertableWebApplicationContext context, String map, String... params)
            throws Exception {
        Map<String, Object> arguments = new LinkedHashMap<>(Map.of("collection", "sys", "map", map));
        for (int i = 0; i < params.length; i += 2) {
            arguments.put(params[i], params[i + 1]);
        }
        return json(context, invoke(context, WebEndpointHttpMethod.GET, "ebpf/{collection}/{map}", arguments));
    }

    @Test
    void notAvailableUnlessExposed() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=health").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(EbpfEndpoint.class));
    }

    @Test
    void readOnlyUnlessAccessIsUnrestricted() {
        runner.run(context -> assertThat(endpoint(context).getOperations())
                .extracting(o -> o.getRequestPredicate().getHttpMethod() + " " + o.getRequestPredicate().getPath())
                .containsExactlyInAnyOrder("GET ebpf", "GET ebpf/{collection}/{map}"));
        runner.withPropertyValues("management.endpoint.ebpf.access=unrestricted").run(context ->
                assertThat(endpoint(context).getOperations())
                        .extracting(o -> o.getRequestPredicate().getHttpMethod() + " "
                                + o.getRequestPredicate().getPath())
                        .containsExactlyInAnyOrder("GET ebpf", "GET ebpf/{collection}/{map}",
                                "POST ebpf/{collection}/{map}", "DELETE ebpf/{collection}/{map}"));
    }

    @Test
    void theSummaryListsProgramsAndMaps() {
        runner.run(context -> {
            observe(context, 2, 443, 6, 1, 5);
            DocumentContext json = json(context, invoke(context, WebEndpointHttpMethod.GET, "ebpf", Map.of()));
            assertThat(json.read("$.collections.sys.status", String.class)).isEqualTo("ATTACHED");
            assertThat(json.read("$.collections.sys.programs.count_syscalls.attached", Boolean.class)).isTrue();
            assertThat(json.read("$.collections.sys.programs.count_syscalls.type", String.class))
                    .isEqualTo("RAW_TRACEPOINT");
            assertThat(json.read("$.collections.sys.programs.count_syscalls.id", Integer.class)).isPositive();
            assertThat(json.read("$.collections.sys.programs.count_syscalls.tag", String.class)).hasSize(16);
            assertThat(json.read("$.collections.sys.programs.count_syscalls.links", List.class)).hasSize(1);
            assertThat(json.read("$.collections.sys.programs.observe.attach", String.class)).isEqualTo("none");
            assertThat(json.read("$.collections.sys.maps.packets.type", String.class)).isEqualTo("HASH");
            assertThat(json.read("$.collections.sys.maps.packets.keySize", Integer.class)).isEqualTo(8);
            assertThat(json.read("$.collections.sys.maps.packets.valueSize", Integer.class)).isEqualTo(16);
            assertThat(json.read("$.collections.sys.maps.packets.entries", Integer.class)).isEqualTo(1);
            assertThat(json.read("$.collections.sys.maps.packets.keyType", String.class))
                    .isEqualTo("struct packet_key");
            assertThat(json.read("$.collections.sys.maps.packets_per_cpu.entries", Integer.class)).isEqualTo(1);
        });
    }

    @Test
    void mapContentsShowStructMembersByName() {
        runner.run(context -> {
            observe(context, 3, 443, 6, 1, 5);
            DocumentContext packets = list(context, "packets");
            assertThat(packets.read("$.keyType", String.class)).isEqualTo("struct packet_key");
            assertThat(packets.read("$.valueType", String.class)).isEqualTo("struct packet_stats");
            assertThat(packets.read("$.entries[0].key", Map.class)).containsExactly(Map.entry("port", 443),
                    Map.entry("proto", 6), Map.entry("op", 1));
            assertThat(packets.read("$.entries[0].value", Map.class)).containsExactly(Map.entry("packets", 3),
                    Map.entry("bytes", 90));
            assertThat(packets.read("$.entries[0].rawKey", String.class)).startsWith("0x").hasSize(18);

            DocumentContext perCpu = list(context, "packets_per_cpu");
            List<Integer> values = perCpu.read("$.entries[0].values");
            assertThat(values).hasSize(BpfMap.possibleCpus());
            assertThat(values.stream().mapToInt(Integer::intValue).sum()).isEqualTo(3);
            assertThat(perCpu.read("$.perCpu", Boolean.class)).isTrue();

            assertThat(list(context, ".rodata").read("$.entries[0].value.target_tid", Integer.class)).isEqualTo(TID);
            assertThat(list(context, "latency").read("$.entries[*].key.bucket", List.class))
                    .containsExactlyInAnyOrder(3, 27); // ceil(log2(5)), and the sum key 26 + 1
        });
    }

    @Test
    void listingsArePagedAndBounded() {
        runner.run(context -> {
            boolean arm = Arch.current() == Arch.AARCH64;
            for (long syscall : arm ? new long[] {172, 173, 178} : new long[] {39, 110, 186}) {
                LibC.syscall(syscall, 0, 0, 0, 0, 0); // getpid, getppid, gettid: three keys at least
            }
            DocumentContext first = list(context, "syscalls", "limit", "2");
            assertThat(first.read("$.returned", Integer.class)).isEqualTo(2);
            assertThat(first.read("$.more", Boolean.class)).isTrue();
            DocumentContext past = list(context, "syscalls", "offset", "100000");
            assertThat(past.read("$.returned", Integer.class)).isZero();
            assertThat(past.read("$.more", Boolean.class)).isFalse();
            assertThatThrownBy(() -> list(context, "syscalls", "limit", "20000"))
                    .isInstanceOf(InvalidEndpointRequestException.class);
            assertThat(invoke(context, WebEndpointHttpMethod.GET, "ebpf/{collection}/{map}",
                    Map.of("collection", "sys", "map", "nope"))).isNull();
            assertThat(invoke(context, WebEndpointHttpMethod.GET, "ebpf/{collection}/{map}",
                    Map.of("collection", "nope", "map", "packets"))).isNull();
        });
    }

    @Test
    void unrestrictedAccessWritesDeletesAndClears() {
        runner.withPropertyValues("management.endpoint.ebpf.access=unrestricted").run(context -> {
            observe(context, 1, 80, 6, 2, 1);
            String rawKey = list(context, "packets").read("$.entries[0].rawKey", String.class);
            ByteBuffer stats = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(5).putLong(500);
            invoke(context, WebEndpointHttpMethod.POST, "ebpf/{collection}/{map}", Map.of("collection", "sys",
                    "map", "packets", "key", rawKey, "value", "0x" + HexFormat.of().formatHex(stats.array())));
            assertThat(list(context, "packets").read("$.entries[0].value", Map.class))
                    .containsExactly(Map.entry("packets", 5), Map.entry("bytes", 500));

            // integer keys and values can be given as numbers
            invoke(context, WebEndpointHttpMethod.POST, "ebpf/{collection}/{map}", Map.of("collection", "sys",
                    "map", "syscalls", "key", "99999", "value", "7"));
            assertThat(list(context, "syscalls", "limit", "10000").read("$.entries[?(@.key == 99999)].value",
                    List.class)).containsExactly(7);
            json(context, invoke(context, WebEndpointHttpMethod.DELETE, "ebpf/{collection}/{map}",
                    Map.of("collection", "sys", "map", "syscalls", "key", "99999")));
            assertThat(list(context, "syscalls", "limit", "10000").read("$.entries[?(@.key == 99999)]",
                    List.class)).isEmpty();

            DocumentContext cleared = json(context, ((WebEndpointResponse<?>) invoke(context,
                    WebEndpointHttpMethod.DELETE, "ebpf/{collection}/{map}", Map.of("collection", "sys", "map",
                    "packets"))).getBody());
            assertThat(cleared.read("$.result", String.class)).isEqualTo("cleared");
            assertThat(list(context, "packets").read("$.returned", Integer.class)).isZero();
            assertThatThrownBy(() -> invoke(context, WebEndpointHttpMethod.POST, "ebpf/{collection}/{map}",
                    Map.of("collection", "sys", "map", "packets", "key", "zz", "value", "00")))
                    .isInstanceOf(InvalidEndpointRequestException.class).hasMessageContaining("0x and 16 hex digits");
            assertThatThrownBy(() -> invoke(context, WebEndpointHttpMethod.POST, "ebpf/{collection}/{map}",
                    Map.of("collection", "sys", "map", "packets_per_cpu", "key", 4294967297L, "value", 7)))
                    .isInstanceOf(InvalidEndpointRequestException.class)
                    .hasMessage("key 4294967297 does not fit its 4 bytes (-2147483648 to 4294967295)");
        });
    }
}
