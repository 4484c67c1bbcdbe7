package io.ebpf4j.spring.actuate;

import io.ebpf4j.BpfMap;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.testing.RequiresKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ebpf} endpoint over real HTTP (embedded Tomcat) behind Spring Security: with Boot's default security
 * auto-configuration, and configured the way Boot's documentation secures Actuator for machine clients. What an
 * HTTP caller can see and change with the defaults, with the endpoint exposed, and with writes allowed; and that no
 * path reaches a map outside the loaded collections, another collection's map, or a file.
 */
@RequiresKernel
class EbpfEndpointHttpSecurityTest {
    private static final String OPERATOR = "ops:ops-secret";
    private static final String VIEWER = "viewer:viewer-secret";
    /** {@code struct packet_key} {port 443, proto 6, op 42} and {@code struct packet_stats} {5, 1000}. */
    private static final String KEY = "bb0106002a000000";
    private static final String VALUE = "0500000000000000e803000000000000";

    private static final Path PIN_PATH = Path.of("/sys/fs/bpf", "ebpf4j-http-test-" + ProcessHandle.current().pid());
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void pinAMapNoCollectionDeclares() throws IOException {
        Files.createDirectories(PIN_PATH);
        try (BpfMap intruder = BpfMap.create(new MapSpec("intruder", MapType.HASH).keySize(4).valueSize(8)
                .maxEntries(4))) {
            intruder.pin(PIN_PATH.resolve("intruder").toString());
        }
    }

    @AfterAll
    static void unpin() throws IOException {
        try (Stream<Path> pins = Files.list(PIN_PATH)) {
            for (Path pin : pins.toList()) {
                Files.delete(pin);
            }
        }
        Files.delete(PIN_PATH);
    }

    @Test
    void byDefaultOnlyHealthIsReachable() throws Exception {
        try (ConfigurableApplicationContext app = start()) {
            HttpResponse<String> links = get(app, "/actuator", OPERATOR);
            assertThat(links.statusCode()).isEqualTo(200);
            assertThat(links.body()).contains("/actuator/health").doesNotContain("ebpf");
            assertThat(get(app, "/actuator/ebpf", OPERATOR).statusCode()).isEqualTo(404);
            assertThat(get(app, "/actuator/ebpf/sys/packets", OPERATOR).statusCode()).isEqualTo(404);
            assertThat(get(app, "/actuator/health", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void bootsDefaultSecurityRequiresAuthentication() throws Exception {
        try (ConfigurableApplicationContext app = start(DefaultSecurityApplication.class,
                "management.endpoints.web.exposure.include=ebpf", "spring.security.user.name=admin",
                "spring.security.user.password=admin-secret")) {
            HttpResponse<String> anonymous = get(app, "/actuator/ebpf", null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.body()).doesNotContain("packets");
            assertThat(get(app, "/actuator/ebpf/sys/packets", null).statusCode()).isEqualTo(401);
            HttpResponse<String> summary = get(app, "/actuator/ebpf", "admin:admin-secret");
            assertThat(summary.statusCode()).isEqualTo(200);
            assertThat(summary.body()).contains("\"packets\"");
        }
    }

    @Test
    void anExposedEndpointNeedsAnAuthenticatedOperator() throws Exception {
        try (ConfigurableApplicationContext app = start("management.endpoints.web.exposure.include=health,ebpf")) {
            HttpResponse<String> anonymous = get(app, "/actuator/ebpf", null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    challenge -> assertThat(challenge).startsWith("Basic"));
            assertThat(anonymous.body()).doesNotContain("packets");
            assertThat(get(app, "/actuator/ebpf", "ops:wrong").statusCode()).isEqualTo(401);
            assertThat(get(app, "/actuator/ebpf/sys/packets", VIEWER).statusCode()).isEqualTo(403);
            assertThat(post(app, "/actuator/ebpf/sys/packets", null).statusCode()).isEqualTo(401);

            HttpResponse<String> summary = get(app, "/actuator/ebpf", OPERATOR);
            assertThat(summary.statusCode()).isEqualTo(200);
            assertThat(summary.body()).contains("\"sys\"", "\"packets\"", "\"pinned\"", "\"total_opens\"");
        }
    }

    @Test
    void writesAreRefusedUnlessAccessIsUnrestricted() throws Exception {
        try (ConfigurableApplicationContext app = start("management.endpoints.web.exposure.include=ebpf")) {
            BpfMap packets = app.getBean("sys.packets", BpfMap.class);
            assertThat(post(app, "/actuator/ebpf/sys/packets", OPERATOR).statusCode()).isEqualTo(405);
            assertThat(delete(app, "/actuator/ebpf/sys/packets", OPERATOR).statusCode()).isEqualTo(405);
            assertThat(packets.lookup(HexFormat.of().parseHex(KEY))).isEmpty();
        }
        try (ConfigurableApplicationContext app = start("management.endpoints.web.exposure.include=ebpf",
                "management.endpoint.ebpf.access=unrestricted")) {
            BpfMap packets = app.getBean("sys.packets", BpfMap.class);
            assertThat(post(app, "/actuator/ebpf/sys/packets", VIEWER).statusCode()).isEqualTo(403);
            assertThat(packets.lookup(HexFormat.of().parseHex(KEY))).isEmpty();

            HttpResponse<String> written = post(app, "/actuator/ebpf/sys/packets", OPERATOR);
            assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
            assertThat(packets.lookup(HexFormat.of().parseHex(KEY))).hasValueSatisfying(
                    value -> assertThat(HexFormat.of().formatHex(value)).isEqualTo(VALUE));
            assertThat(delete(app, "/actuator/ebpf/sys/packets", OPERATOR).statusCode()).isEqualTo(200);
            assertThat(packets.lookup(HexFormat.of().parseHex(KEY))).isEmpty();
        }
    }

    /** Boot's switch for all endpoints does not open this one's writes: only its own access property does. */
    @Test
    void writesNeedTheEndpointsOwnAccessProperty() throws Exception {
        try (ConfigurableApplicationContext app = start("management.endpoints.web.exposure.include=ebpf",
                "management.endpoints.access.default=unrestricted")) {
            assertThat(post(app, "/actuator/ebpf/sys/packets", OPERATOR).statusCode()).isEqualTo(405);
            assertThat(delete(app, "/actuator/ebpf/sys/packets", OPERATOR).statusCode()).isEqualTo(405);
            assertThat(app.getBean("sys.packets", BpfMap.class).lookup(HexFormat.of().parseHex(KEY))).isEmpty();
            assertThat(get(app, "/actuator/ebpf/sys/packets", OPERATOR).statusCode()).isEqualTo(200);
        }
    }

    /**
     * Keys and values mean one thing: {@code 0x} hex is bytes (a GET's rawKey written back is the same entry), a
     * number is a number and must fit, JSON text of an object is a struct as a GET shows it; hex without {@code 0x}
     * is refused rather than read as a decimal number when all its digits are decimal.
     */
    @Test
    void writtenKeysAndValuesMeanOneThing() throws Exception {
        try (ConfigurableApplicationContext app = start("management.endpoints.web.exposure.include=ebpf",
                "management.endpoint.ebpf.access=unrestricted")) {
            BpfMap syscalls = app.getBean("sys.syscalls", BpfMap.class);
            HttpResponse<String> hex = post(app, "/actuator/ebpf/sys/syscalls", OPERATOR,
                    "{\"key\":\"0x0900000000000000\",\"value\":\"0x0500000000000000\"}");
            assertThat(hex.statusCode()).as(hex.body()).isEqualTo(200);
            assertThat(syscalls.lookup(HexFormat.of().parseHex("0900000000000000"))).hasValueSatisfying(
                    value -> assertThat(HexFormat.of().formatHex(value)).isEqualTo("0500000000000000"));
            assertThat(post(app, "/actuator/ebpf/sys/syscalls", OPERATOR,
                    "{\"key\":\"0900000000000000\",\"value\":\"0x0500000000000000\"}").statusCode())
                    .isEqualTo(400);
            assertThat(syscalls.lookup(HexFormat.of().parseHex("0080e03779c30300"))).isEmpty(); // 900000000000000

            HttpResponse<String> numbers = post(app, "/actuator/ebpf/sys/syscalls", OPERATOR,
                    "{\"key\":99999,\"value\":7}");
            assertThat(numbers.statusCode()).as(numbers.body()).isEqualTo(200);
            assertThat(syscalls.lookup(HexFormat.of().parseHex("9f86010000000000"))).hasValueSatisfying(
                    value -> assertThat(HexFormat.of().formatHex(value)).isEqualTo("0700000000000000"));

            HttpResponse<String> tooBig = post(app, "/actuator/ebpf/sys/packets_per_cpu", OPERATOR,
                    "{\"key\":4294967297,\"value\":7}");
            assertThat(tooBig.statusCode()).isEqualTo(400);
            assertThat(app.getBean("sys.packets_per_cpu", BpfMap.class).lookup(new byte[] {1, 0, 0, 0})).isEmpty();

            HttpResponse<String> struct = post(app, "/actuator/ebpf/sys/packets", OPERATOR,
                    "{\"key\":\"{\\\"port\\\":443,\\\"proto\\\":6,\\\"op\\\":42}\","
                            + "\"value\":\"{\\\"packets\\\":5,\\\"bytes\\\":1000}\"}");
            assertThat(struct.statusCode()).as(struct.body()).isEqualTo(200);
            assertThat(app.getBean("sys.packets", BpfMap.class).lookup(HexFormat.of().parseHex(KEY)))
                    .hasValueSatisfying(value -> assertThat(HexFormat.of().formatHex(value)).isEqualTo(VALUE));

            String listing = get(app, "/actuator/ebpf/sys/packets", OPERATOR).body();
            String rawKey = listing.replaceAll("(?s).*\"rawKey\":\"(0x[0-9a-f]+)\".*", "$1");
            assertThat(rawKey).isEqualTo("0x" + KEY);
            assertThat(delete(app, "/actuator/ebpf/sys/packets?key=" + rawKey, OPERATOR).body()).contains("deleted");
        }
    }

    /** POST and DELETE to a collection or map that does not exist answer 404, as GET does. */
    @Test
    void writesToUnknownMapsAreNotFound() throws Exception {
        try (ConfigurableApplicationContext app = start("management.endpoints.web.exposure.include=ebpf",
                "management.endpoint.ebpf.access=unrestricted")) {
            for (String path : List.of("/actuator/ebpf/nope/packets", "/actuator/ebpf/sys/nope")) {
                assertThat(get(app, path, OPERATOR).statusCode()).as("GET " + path).isEqualTo(404);
                assertThat(post(app, path, OPERATOR).statusCode()).as("POST " + path).isEqualTo(404);
                assertThat(delete(app, path, OPERATOR).statusCode()).as("DELETE " + path).isEqualTo(404);
            }
        }
    }

    @Test
    void noPathReachesAMapOutsideTheCollectionsOrAFile() throws Exception {
        try (ConfigurableApplicationContext app = start("management.endpoints.web.exposure.include=ebpf",
                "management.endpoint.ebpf.access=unrestricted")) {
            String pinned = PIN_PATH.resolve("intruder").toString();
            List<String> hostile = List.of(
                    "/actuator/ebpf/pinned/intruder",                       // pinned beside the collection's maps
                    "/actuator/ebpf/pinned/" + encoded(pinned),             // a pin path as the map name
                    "/actuator/ebpf/" + encoded(PIN_PATH.toString()) + "/intruder",
                    "/actuator/ebpf/sys/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                    "/actuator/ebpf/sys/..%2f..%2f..%2fetc%2fpasswd",
                    "/actuator/ebpf/sys/..%2Fpinned%2Ftotal_opens",         // another collection's map
                    "/actuator/ebpf/sys%2F..%2Fpinned/total_opens",
                    "/actuator/ebpf/sys/%2e%2e/total_opens",
                    "/actuator/ebpf/..;/..;/etc/passwd",
                    "/actuator/ebpf/sys/packets%00",
                    "/actuator/ebpf/sys/packets;.rodata",
                    "/actuator/ebpf/classpath:bpf%2fmetrics.bpf.o/packets",
                    "/actuator/ebpf/sys/%2fproc%2fself%2fenviron",
                    "/actuator/ebpf/SYS/packets",
                    "/actuator/ebpf/sys/packets/extra");
            List<String> answered = new ArrayList<>();
            for (String path : hostile) {
                for (HttpResponse<String> response : List.of(get(app, path, OPERATOR), post(app, path, OPERATOR),
                        delete(app, path, OPERATOR))) {
                    assertThat(response.body()).as(path).doesNotContain("root:", "PATH=", "\"entries\"");
                    if (response.statusCode() < 400) {
                        answered.add(response.request().method() + " " + path + " -> " + response.statusCode());
                    }
                }
            }
            assertThat(answered).as("requests that got through").isEmpty();
            assertThat(app.getBean("sys.packets", BpfMap.class).lookup(HexFormat.of().parseHex(KEY))).isEmpty();
            try (BpfMap intruder = BpfMap.loadPinned(pinned)) {
                assertThat(intruder.nextKey(null, new byte[4])).as("the intruder map was not written").isFalse();
            }
            // the same requests with the real names succeed: the refusals above are not a broken set-up
            assertThat(get(app, "/actuator/ebpf/pinned/total_opens", OPERATOR).statusCode()).isEqualTo(200);
            assertThat(get(app, "/actuator/ebpf/sys/packets", OPERATOR).statusCode()).isEqualTo(200);
        }
    }

    private static String encoded(String path) {
        return path.replace("/", "%2F");
    }

    private static ConfigurableApplicationContext start(String... properties) {
        return start(SecuredApplication.class, properties);
    }

    private static ConfigurableApplicationContext start(Class<?> application, String... properties) {
        List<String> all = new ArrayList<>(List.of(
                "server.port=0",
                "spring.main.banner-mode=off",
                "ebpf.collections.sys.object=classpath:bpf/metrics.bpf.o",
                "ebpf.collections.sys.programs.observe.attach=none",
                "ebpf.collections.pinned.object=classpath:bpf/pinned_counter.bpf.o",
                "ebpf.collections.pinned.constants.target_pid=self",
                "ebpf.collections.pinned.pin-path=" + PIN_PATH));
        all.addAll(List.of(properties));
        return new SpringApplicationBuilder(application).properties(all.toArray(String[]::new)).run();
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext app, String path, String user)
            throws IOException, InterruptedException {
        return send(request(app, path, user).GET());
    }

    private static HttpResponse<String> post(ConfigurableApplicationContext app, String path, String user)
            throws IOException, InterruptedException {
        return post(app, path, user, "{\"key\":\"0x" + KEY + "\",\"value\":\"0x" + VALUE + "\"}");
    }

    private static HttpResponse<String> post(ConfigurableApplicationContext app, String path, String user,
            String body) throws IOException, InterruptedException {
        return send(request(app, path, user).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> delete(ConfigurableApplicationContext app, String path, String user)
            throws IOException, InterruptedException {
        return send(request(app, path, user).DELETE());
    }

    private static HttpRequest.Builder request(ConfigurableApplicationContext app, String path, String user) {
        String port = app.getEnvironment().getProperty("local.server.port");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (user != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An application that leaves security to Boot's auto-configuration. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class DefaultSecurityApplication {}

    /** An application that secures Actuator as Boot's reference documentation shows, for machine clients. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class SecuredApplication {
        @Bean
        SecurityFilterChain actuator(HttpSecurity http) throws Exception {
            return http.securityMatcher(EndpointRequest.toAnyEndpoint())
                    .authorizeHttpRequests(requests -> requests
                            .requestMatchers(EndpointRequest.to("health")).permitAll()
                            .anyRequest().hasRole("ACTUATOR"))
                    .httpBasic(Customizer.withDefaults())
                    .csrf(AbstractHttpConfigurer::disable) // scripts and scrapers, no browser sessions
                    .build();
        }

        @Bean
        InMemoryUserDetailsManager users() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("ops").password("{noop}ops-secret").roles("ACTUATOR").build(),
                    User.withUsername("viewer").password("{noop}viewer-secret").roles("VIEWER").build());
        }
    }
}
