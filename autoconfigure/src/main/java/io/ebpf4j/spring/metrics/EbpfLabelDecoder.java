package io.ebpf4j.spring.metrics;
import java.util.Objects;
import java.util.function.Function;

/**
 * A label decoder contributed by the application: declare it as a bean and name it in a label's decoder chain
 * ({@code decoders: [{name: uint}, {name: pod}]}). A bean whose {@link #name()} equals a built-in decoder's replaces
 * it.
 *
 * <p>A decoder turns bytes into a tag value. The first decoder of a chain receives the raw slice of the map key (or
 * event record); every later one receives the UTF-8 bytes of its predecessor's result, as in ebpf_exporter.
 * Results are cached per distinct key (see {@code ebpf.metrics.label-cache-size}), so a decoder runs once per new
 * key, not once per scrape; it may block briefly (a lookup in a local table) but should not do network I/O.
 *
 * <pre>{@code
 * @Bean
 * EbpfLabelDecoder pod(PodIndex pods) {
 *     return EbpfLabelDecoder.of("pod", input -> pods.byCgroupId(Long.parseLong(new String(input, UTF_8))));
 * }
 * }</pre>
 */
public interface EbpfLabelDecoder {
    /** The name used in {@code decoders[].name}. */
    String name();

    /**
     * Decodes one label.
     *
     * @param input the key slice (first decoder of a chain) or the previous decoder's result as UTF-8
     * @return the tag value, or {@code null} to drop the whole series (the key is then not published, like an
     *     unmatched {@code regexp})
     * @throws RuntimeException if the input cannot be decoded: the key is not published and the failure is
     *     counted in {@code ebpf.decoder.errors}
     */
    String decode(byte[] input);

    /** A decoder from a name and a function. */
    static EbpfLabelDecoder of(String name, Function<byte[], String> decode) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(decode, "decode");
        return new EbpfLabelDecoder() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String decode(byte[] input) {
                return decode.apply(input);
            }

            @Override
            public String toString() {
                return "EbpfLabelDecoder[" + name + "]";
            }
        };
    }
}
