package io.ebpf4j.spring.metrics;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The decoders of one label, applied in order: each one's output (as UTF-8) is the next one's input. */
final class DecoderChain {
    private final EbpfLabelDecoder[] steps;

    DecoderChain(EbpfLabelDecoder[] steps) {
        this.steps = steps;
    }

    /**
     * Decodes one label.
     *
     * @return the tag value, or {@code null} when a decoder drops the series
     * @throws DecodingException naming the decoder that failed
     */
    String decode(byte[] input) {
        byte[] bytes = input;
        String value = null;
        for (int i = 0; i < steps.length; i++) {
            try {
                value = steps[i].decode(bytes);
            } catch (RuntimeException e) {
                throw new DecodingException(steps[i].name(), e);
            }
            if (value == null) {
                return null;
            }
            if (i + 1 < steps.length) {
                bytes = value.getBytes(StandardCharsets.UTF_8);
            }
        }
        return value;
    }

    @Override
    public String toString() {
        return Arrays.stream(steps).map(EbpfLabelDecoder::name).collect(Collectors.joining(" -> "));
    }

    /** A decoder threw: the series is not published and the failure is counted. */
    static final class DecodingException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DecodingException(String decoder, Throwable cause) {
            super("decoder '" + decoder + "' failed: " + cause.getMessage(), cause);
        }
    }
}
