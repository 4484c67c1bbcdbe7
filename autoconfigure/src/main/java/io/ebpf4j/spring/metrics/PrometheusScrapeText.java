package io.ebpf4j.spring.metrics;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.InvocationContext;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.Producible;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameter;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameters;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.util.MimeType;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The {@code prometheus} endpoint's text formats (0.0.4 and OpenMetrics 1.0) with the BPF map metrics written by
 * {@link PrometheusExport#writeText}, straight from the series, instead of by the Prometheus client's writer from one
 * data point object per series: the endpoint lets the registry write everything else as before, with the map
 * metrics left out, and their families are appended (before OpenMetrics' {@code # EOF}). Only the order of the
 * families changes, and the {@code le} labels of the map histograms, spelt as Go's client does ({@link GoFloats}).
 * The endpoint's {@code includedNames} parameter applies to them as to any other family. Other formats (protobuf)
 * are left to the endpoint, which asks the registry for the map metrics' data points.
 */
final class PrometheusScrapeText implements OperationInvokerAdvisor {
    private static final Log logger = LogFactory.getLog(PrometheusScrapeText.class);
    private static final EndpointId PROMETHEUS = EndpointId.of("prometheus");
    private static final String INCLUDED_NAMES = "includedNames";
    private static final byte[] EOF = "# EOF\n".getBytes(StandardCharsets.US_ASCII);

    private final Supplier<List<NativeExport>> exports;
    /** The map metrics' text of the scrape being written: one buffer, grown to the largest scrape and reused. */
    private final ExpositionBuffer text = new ExpositionBuffer(64 * 1024);

    PrometheusScrapeText(Supplier<List<NativeExport>> exports) {
        this.exports = exports;
    }

    @Override
    public OperationInvoker apply(EndpointId endpointId, OperationType operationType, OperationParameters parameters,
            OperationInvoker invoker) {
        if (!endpointId.equals(PROMETHEUS) || operationType != OperationType.READ) {
            return invoker;
        }
        Class<?> formatType = parameters.stream().map(OperationParameter::getType)
                .filter(Producible.class::isAssignableFrom).findFirst().orElse(null);
        if (formatType == null) {
            return invoker;
        }
        return context -> scrape(context, invoker, formatType);
    }

    private Object scrape(InvocationContext context, OperationInvoker invoker, Class<?> formatType) {
        Object format = context.canResolve(formatType) ? context.resolveArgument(formatType) : null;
        MimeType type = format instanceof Producible<?> producible ? producible.getProducedMimeType() : null;
        boolean openMetrics = type != null && type.getSubtype().equals("openmetrics-text");
        boolean plainText = type != null && type.getSubtype().equals("plain");
        List<PrometheusExport> written = exports.get().stream()
                .filter(PrometheusExport.class::isInstance).map(PrometheusExport.class::cast).toList();
        if ((!openMetrics && !plainText) || written.isEmpty()) {
            return invoker.invoke(context);
        }
        Object result = withoutMapMetrics(written, 0, () -> invoker.invoke(context));
        if (!(result instanceof WebEndpointResponse<?> response) || !(response.getBody() instanceof byte[] body)) {
            logger.warn("The prometheus endpoint answered " + result + " instead of text: the BPF map metrics are"
                    + " missing from this scrape");
            return result;
        }
        Predicate<String> included = includedNames(context.getArguments().get(INCLUDED_NAMES));
        synchronized (text) {
            text.clear();
            for (PrometheusExport export : written) {
                export.writeText(text, openMetrics, included);
            }
            return new WebEndpointResponse<>(append(body, openMetrics), response.getStatus(),
                    response.getContentType());
        }
    }

    /** Invokes the endpoint with the map metrics of every export left out of the registry's scrape. */
    private static Object withoutMapMetrics(List<PrometheusExport> exports, int from, Supplier<Object> invoke) {
        if (from == exports.size()) {
            return invoke.get();
        }
        return exports.get(from).leftOutOfRegistryScrapes(() -> withoutMapMetrics(exports, from + 1, invoke));
    }

    /** The registry's text, then ours, then OpenMetrics' end marker (which the registry's text ends with). */
    private byte[] append(byte[] registryText, boolean openMetrics) {
        int kept = registryText.length;
        boolean endMarker = openMetrics && endsWith(registryText, EOF);
        if (endMarker) {
            kept -= EOF.length;
        }
        byte[] body = Arrays.copyOf(registryText, kept + text.size() + (endMarker ? EOF.length : 0));
        text.copyTo(body, kept);
        if (endMarker) {
            System.arraycopy(EOF, 0, body, kept + text.size(), EOF.length);
        }
        return body;
    }

    private static boolean endsWith(byte[] text, byte[] suffix) {
        return text.length >= suffix.length
                && Arrays.equals(text, text.length - suffix.length, text.length, suffix, 0, suffix.length);
    }

    /**
     * The names the endpoint's {@code includedNames} parameter asks for, or {@code null} for all: as the endpoint
     * binds it, a comma-separated string or repeated parameters.
     */
    private static Predicate<String> includedNames(Object parameter) {
        if (parameter == null) {
            return null;
        }
        Set<String> names = new HashSet<>();
        for (Object value : parameter instanceof Collection<?> values ? values : List.of(parameter)) {
            for (String name : value.toString().split(",")) {
                names.add(name.trim());
            }
        }
        return names::contains;
    }
}
