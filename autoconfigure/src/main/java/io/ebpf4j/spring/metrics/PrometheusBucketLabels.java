package io.ebpf4j.spring.metrics;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameters;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.util.MimeType;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * Writes the {@code le} labels of the BPF histograms in the {@code prometheus} endpoint's text formats as
 * Prometheus's Go client does ({@link GoFloats}): the Java client, which writes the exposition, spells bounds as Java
 * doubles ({@code 1.0E-6}, {@code 150.0}) and has no setting for it. Only the bucket lines of the histograms
 * {@link EbpfMetrics} publishes natively change; the application's own histograms, and the protobuf format (whose
 * bounds are numbers), are left as they are. Responses without such lines are passed through untouched.
 */
final class PrometheusBucketLabels implements OperationInvokerAdvisor {
    private static final Log logger = LogFactory.getLog(PrometheusBucketLabels.class);
    private static final EndpointId PROMETHEUS = EndpointId.of("prometheus");
    private static final byte[] LE = "le=\"".getBytes(StandardCharsets.US_ASCII);

    /** The Prometheus names of the histograms to rewrite, followed by {@code _bucket{}. */
    private final Supplier<List<String>> bucketPrefixes;

    PrometheusBucketLabels(Supplier<List<String>> bucketPrefixes) {
        this.bucketPrefixes = bucketPrefixes;
    }

    @Override
    public OperationInvoker apply(EndpointId endpointId, OperationType operationType, OperationParameters parameters,
            OperationInvoker invoker) {
        if (!endpointId.equals(PROMETHEUS) || operationType != OperationType.READ) {
            return invoker;
        }
        return context -> rewrite(invoker.invoke(context));
    }

    private Object rewrite(Object result) {
        if (!(result instanceof WebEndpointResponse<?> response) || !(response.getBody() instanceof byte[] body)
                || response.getContentType() == null) {
            return result;
        }
        MimeType type = response.getContentType();
        boolean openMetrics = type.getSubtype().equals("openmetrics-text");
        if (!openMetrics && !type.getSubtype().equals("plain")) {
            return result;
        }
        List<String> prefixes = bucketPrefixes.get();
        if (prefixes.isEmpty()) {
            return result;
        }
        try {
            byte[] rewritten = rewrite(body, prefixes, openMetrics);
            return rewritten == body ? result
                    : new WebEndpointResponse<>(rewritten, response.getStatus(), response.getContentType());
        } catch (RuntimeException e) {
            logger.warn("Could not rewrite the le labels of BPF histograms; the scrape is served as written", e);
            return result;
        }
    }

    /** {@code text} with the {@code le} values of lines starting with one of {@code prefixes} rewritten. */
    static byte[] rewrite(byte[] text, List<String> prefixes, boolean openMetrics) {
        byte[][] starts = prefixes.stream().map(p -> p.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        ByteArrayOutputStream out = null;
        int copied = 0;
        for (int line = 0; line < text.length; ) {
            int end = line;
            while (end < text.length && text[end] != '\n') {
                end++;
            }
            if (startsWithAny(text, line, starts)) {
                int le = lastIndexOf(text, line, end, LE);
                int valueStart = le + LE.length;
                int valueEnd = valueStart;
                while (le >= 0 && valueEnd < end && text[valueEnd] != '"') {
                    valueEnd++;
                }
                if (le > line && (text[le - 1] == '{' || text[le - 1] == ',') && valueEnd < end) {
                    String value = new String(text, valueStart, valueEnd - valueStart, StandardCharsets.US_ASCII);
                    String go = goSpelling(value, openMetrics);
                    if (!go.equals(value)) {
                        if (out == null) {
                            out = new ByteArrayOutputStream(text.length + 64);
                        }
                        out.write(text, copied, valueStart - copied);
                        out.writeBytes(go.getBytes(StandardCharsets.US_ASCII));
                        copied = valueEnd;
                    }
                }
            }
            line = end + 1;
        }
        if (out == null) {
            return text;
        }
        out.write(text, copied, text.length - copied);
        return out.toByteArray();
    }

    private static String goSpelling(String javaDouble, boolean openMetrics) {
        if (javaDouble.equals("+Inf")) {
            return javaDouble;
        }
        double value = Double.parseDouble(javaDouble);
        return openMetrics ? GoFloats.formatOpenMetrics(value) : GoFloats.format(value);
    }

    private static boolean startsWithAny(byte[] text, int at, byte[][] prefixes) {
        for (byte[] prefix : prefixes) {
            if (at + prefix.length <= text.length && regionMatches(text, at, prefix)) {
                return true;
            }
        }
        return false;
    }

    private static int lastIndexOf(byte[] text, int from, int to, byte[] what) {
        for (int i = to - what.length; i >= from; i--) {
            if (regionMatches(text, i, what)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean regionMatches(byte[] text, int at, byte[] what) {
        for (int i = 0; i < what.length; i++) {
            if (text[at + i] != what[i]) {
                return false;
            }
        }
        return true;
    }
}
