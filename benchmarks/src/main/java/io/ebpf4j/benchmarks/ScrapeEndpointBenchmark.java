package io.ebpf4j.benchmarks;

import io.ebpf4j.BatchCursor;
import io.ebpf4j.BpfMap;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.endpoint.InvocationContext;
import org.springframework.boot.actuate.endpoint.ProducibleOperationArgumentResolver;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.actuate.endpoint.web.WebOperation;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole scrape of {@code /actuator/prometheus} against the raw dump of the map it publishes, in one Spring Boot
 * web application (Tomcat, actuator, the Prometheus registry with Boot's default meters, the starter): a hash map
 * of 10,000 keys (two u32 labels by BTF field, u64 values) published as one counter, read on every scrape
 * ({@code min-refresh: 0s}), as an application serving Prometheus runs it.
 *
 * <ul>
 *   <li>{@code rawBatchDump}: the baseline, BPF_MAP_LOOKUP_BATCH over the whole map, values consumed;
 *   <li>{@code httpScrape}: GET {@code /actuator/prometheus} (text 0.0.4) over a kept-alive loopback connection,
 *       the whole body read: the map read, the registry's own meters, the map metrics' text, Spring MVC, Tomcat;
 *   <li>{@code httpScrapeOpenMetrics}: the same in OpenMetrics 1.0;
 *   <li>{@code endpointText}: the endpoint's operation invoked in the JVM, the same bytes without HTTP;
 *   <li>{@code registryText}: the text as the Prometheus client writes the whole registry, map metrics included
 *       ({@code PrometheusMeterRegistry.scrape()}): what the endpoint served before the starter wrote the map
 *       metrics' text itself;
 *   <li>{@code httpBootOnly}: GET {@code /actuator/prometheus} of a second, identical application without BPF
 *       collections, in the same JVM: Boot's own meters (JVM, process, Tomcat, HTTP), which any scrape of such an
 *       application writes, and HTTP for their small body;
 *   <li>{@code httpStaticBody}: the floor of any scrape over HTTP: GET of a controller that returns the bytes of
 *       a text scrape taken at start-up, from memory (the same body, content type, Spring MVC converter and
 *       Tomcat connection, no work).
 * </ul>
 *
 * Run with {@code -prof gc} for the bytes allocated per scrape (both ends of the connection are in this JVM).
 *
 * <p>On a loaded machine JMH's benchmarks, one after the other, see different loads; {@link #main} measures the
 * same operations interleaved, round after round, and prints the medians and their ratios to the dump's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ScrapeEndpointBenchmark {
    static final int KEYS = RequestsMap.KEYS;
    static final String TEXT = "text/plain;version=0.0.4;charset=utf-8";
    static final String OPEN_METRICS = "application/openmetrics-text;version=1.0.0;charset=utf-8";

    /** The application: auto-configured from the class path, as any Boot application. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @RestController
    static class Application {
        /** A text scrape's body, taken once. */
        volatile byte[] staticBody = new byte[0];

        @GetMapping(path = "/static", produces = "text/plain;version=0.0.4;charset=utf-8")
        byte[] staticBody() {
            return staticBody;
        }
    }

    ConfigurableApplicationContext context;
    ConfigurableApplicationContext bootOnly;
    Scraper bootOnlyScraper;
    BpfMap map;
    BatchCursor cursor;
    WebOperation endpoint;
    PrometheusMeterRegistry registry;
    Scraper scraper;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        SpringApplication application = new SpringApplication(Application.class);
        application.setDefaultProperties(properties());
        context = application.run();
        SpringApplication withoutBpf = new SpringApplication(Application.class);
        Map<String, Object> withoutCollections = properties();
        withoutCollections.keySet().removeIf(key -> key.startsWith("ebpf.collections."));
        withoutBpf.setDefaultProperties(withoutCollections);
        bootOnly = withoutBpf.run();
        bootOnlyScraper = new Scraper(Integer.parseInt(bootOnly.getEnvironment().getProperty("local.server.port")));
        map = context.getBean("bench.requests", BpfMap.class);
        RequestsMap.fill(map);
        cursor = map.batchCursor(4096);
        endpoint = context.getBean(WebEndpointsSupplier.class).getEndpoints().stream()
                .filter(e -> e.getEndpointId().toString().equals("prometheus")).findFirst().orElseThrow()
                .getOperations().iterator().next();
        registry = context.getBean(PrometheusMeterRegistry.class);
        scraper = new Scraper(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
        // the first scrape registers the keys' series, the second shows them
        scraper.scrape(TEXT);
        String text = new String(scraper.body, 0, scraper.scrape(TEXT), StandardCharsets.UTF_8);
        long series = text.lines().filter(line -> line.startsWith("ebpf_requests_total{")).count();
        if (series != KEYS) {
            throw new IllegalStateException("expected " + KEYS + " series, got " + series);
        }
        context.getBean(Application.class).staticBody = text.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> properties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("server.port", "0");
        properties.put("spring.main.banner-mode", "off");
        properties.put("logging.level.root", "warn");
        properties.put("management.endpoints.web.exposure.include", "prometheus");
        // one connection for the whole run, as Prometheus keeps its connection to a target open (Tomcat closes
        // it after 100 requests by default)
        properties.put("server.tomcat.max-keep-alive-requests", "-1");
        properties.put("ebpf.metrics.min-refresh", "0s");
        properties.put("ebpf.metrics.program-statistics", "false");
        String c = "ebpf.collections.bench.";
        properties.put(c + "object", "classpath:bpf/scrape.bpf.o");
        properties.put(c + "programs.count_requests.attach", "none");
        properties.put(c + "metrics.counters[0].name", "requests");
        properties.put(c + "metrics.counters[0].map", "requests");
        properties.put(c + "metrics.counters[0].labels[0].name", "tenant");
        properties.put(c + "metrics.counters[0].labels[0].field", "tenant");
        properties.put(c + "metrics.counters[0].labels[1].name", "endpoint");
        properties.put(c + "metrics.counters[0].labels[1].field", "endpoint");
        return properties;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        scraper.close();
        bootOnlyScraper.close();
        bootOnly.close();
        context.close();
    }

    @Benchmark
    public long rawBatchDump() {
        return RequestsMap.dump(map, cursor);
    }

    @Benchmark
    public int httpScrape() throws IOException {
        return scraper.scrape(TEXT);
    }

    @Benchmark
    public int httpScrapeOpenMetrics() throws IOException {
        return scraper.scrape(OPEN_METRICS);
    }

    @Benchmark
    public int httpBootOnly() throws IOException {
        return bootOnlyScraper.scrape(TEXT);
    }

    @Benchmark
    public int httpStaticBody() throws IOException {
        return scraper.get("/static", TEXT);
    }

    @Benchmark
    public int endpointText() {
        WebEndpointResponse<?> response = (WebEndpointResponse<?>) endpoint.invoke(new InvocationContext(
                SecurityContext.NONE, Map.of(), new ProducibleOperationArgumentResolver(() -> List.of(TEXT))));
        return ((byte[]) response.getBody()).length;
    }

    @Benchmark
    public int registryText() throws IOException {
        CountingOutputStream out = new CountingOutputStream();
        registry.scrape(out);
        return out.count;
    }

    /** Counts what the client writes, as the endpoint's buffer would hold it. */
    static final class CountingOutputStream extends OutputStream {
        int count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    /**
     * Interleaved rounds (each: every benchmark once, in turn), after a warm-up;
     * prints the median of each and its ratio to the dump's median. Arguments: rounds (default 200), warm-up rounds
     * (default 300).
     */
    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        ScrapeEndpointBenchmark benchmark = new ScrapeEndpointBenchmark();
        benchmark.setUp();
        try {
            String[] names = {"rawBatchDump", "httpScrape", "httpScrapeOpenMetrics", "endpointText", "registryText",
                "httpStaticBody", "httpBootOnly"};
            long[][] nanos = new long[names.length][rounds];
            for (int round = -warmUp; round < rounds; round++) {
                for (int op = 0; op < names.length; op++) {
                    long start = System.nanoTime();
                    switch (op) {
                        case 0 -> benchmark.rawBatchDump();
                        case 1 -> benchmark.httpScrape();
                        case 2 -> benchmark.httpScrapeOpenMetrics();
                        case 3 -> benchmark.endpointText();
                        case 4 -> benchmark.registryText();
                        case 5 -> benchmark.httpStaticBody();
                        default -> benchmark.httpBootOnly();
                    }
                    if (round >= 0) {
                        nanos[op][round] = System.nanoTime() - start;
                    }
                }
            }
            double dump = median(nanos[0]);
            for (int op = 0; op < names.length; op++) {
                System.out.printf("%-22s median %8.0f us  %5.2f x rawBatchDump%n", names[op], median(nanos[op]) / 1e3,
                        median(nanos[op]) / dump);
            }
        } finally {
            benchmark.tearDown();
        }
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * A minimal HTTP/1.1 client on one kept-alive connection, so that what is measured is the server's side: the
     * request written, the headers parsed for the body's length, the body read into a reused buffer.
     */
    static final class Scraper implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] header = new byte[8192];
        byte[] body = new byte[1 << 20];

        Scraper(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = socket.getOutputStream();
        }

        /** GETs the endpoint; returns the body's length (the body is in {@link #body}). */
        int scrape(String accept) throws IOException {
            return get("/actuator/prometheus", accept);
        }

        /** GETs {@code path}; returns the body's length (the body is in {@link #body}). */
        int get(String path, String accept) throws IOException {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: " + accept + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            int length = readHeaders();
            if (body.length < length) {
                body = new byte[length * 2];
            }
            int read = 0;
            while (read < length) {
                int n = in.read(body, read, length - read);
                if (n < 0) {
                    throw new IOException("connection closed after " + read + " of " + length + " bytes");
                }
                read += n;
            }
            return length;
        }

        /** Reads the status line and headers; returns Content-Length. */
        private int readHeaders() throws IOException {
            int size = 0;
            while (size < 4 || header[size - 4] != '\r' || header[size - 3] != '\n' || header[size - 2] != '\r'
                    || header[size - 1] != '\n') {
                int b = in.read();
                if (b < 0 || size == header.length) {
                    throw new IOException("bad response: " + new String(header, 0, size, StandardCharsets.US_ASCII));
                }
                header[size++] = (byte) b;
            }
            String headers = new String(header, 0, size, StandardCharsets.US_ASCII);
            if (!headers.startsWith("HTTP/1.1 200")) {
                throw new IOException("unexpected response: " + headers);
            }
            for (String line : headers.split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    return Integer.parseInt(line.substring(15).trim());
                }
            }
            throw new IOException("no Content-Length: " + headers);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
