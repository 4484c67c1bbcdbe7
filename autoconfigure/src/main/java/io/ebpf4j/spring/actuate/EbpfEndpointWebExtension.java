package io.ebpf4j.spring.actuate;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import java.util.Map;

/**
 * The {@code ebpf} endpoint's writes over HTTP: as {@link EbpfEndpoint}'s, but a collection or map that does not
 * exist answers 404 with a message, as a GET of it does, instead of 400 (a missing write target is not a malformed
 * request, and a client should be able to tell the two apart).
 */
@EndpointWebExtension(endpoint = EbpfEndpoint.class)
public class EbpfEndpointWebExtension {
    private final EbpfEndpoint endpoint;

    public EbpfEndpointWebExtension(EbpfEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** {@link EbpfEndpoint#update}, or 404. */
    @WriteOperation
    public WebEndpointResponse<Object> update(@Selector String collection, @Selector String map, Object key,
            Object value) {
        if (!endpoint.exists(collection, map)) {
            return notFound(collection, map);
        }
        return new WebEndpointResponse<>(endpoint.update(collection, map, key, value));
    }

    /** {@link EbpfEndpoint#delete}, or 404. */
    @DeleteOperation
    public WebEndpointResponse<Object> delete(@Selector String collection, @Selector String map,
            @Nullable String key) {
        if (!endpoint.exists(collection, map)) {
            return notFound(collection, map);
        }
        return new WebEndpointResponse<>(endpoint.delete(collection, map, key));
    }

    private static WebEndpointResponse<Object> notFound(String collection, String map) {
        return new WebEndpointResponse<>(Map.of("message", "no map '" + map + "' in a loaded collection '"
                + collection + "'"), WebEndpointResponse.STATUS_NOT_FOUND);
    }
}
