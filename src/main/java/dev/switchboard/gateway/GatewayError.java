package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.ErrorBody;
import dev.switchboard.protocol.Json;
import dev.switchboard.routing.Rejection;

import java.util.List;
import java.util.Map;

/**
 * Every error a client can get, with its HTTP status, OpenAI-vocabulary type, message and
 * metadata. Internal and upstream failures are translated into one of these at the edges, so
 * nothing becomes a 500 by accident.
 */
public final class GatewayError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final JsonNode metadata;
    private final Map<String, String> headers;

    public GatewayError(int status, String type, String message, String param, JsonNode metadata,
                        Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.metadata = metadata;
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static GatewayError badRequest(String param, String message) {
        return new GatewayError(400, "invalid_request_error", message, param, null, null);
    }

    public static GatewayError notFound(String message) {
        return new GatewayError(404, "not_found_error", message, null, null, null);
    }

    public static GatewayError methodNotAllowed(String method, String path) {
        return new GatewayError(405, "invalid_request_error", method + " is not allowed on " + path, null, null, null);
    }

    public static GatewayError payloadTooLarge(long limit) {
        return new GatewayError(413, "invalid_request_error",
                "request body is larger than the limit of " + limit + " bytes (server.max_body_bytes)", null, null, null);
    }

    public static GatewayError unsupportedMediaType(String contentType) {
        return new GatewayError(415, "invalid_request_error",
                "expected Content-Type: application/json (got " + contentType + ")", null, null, null);
    }

    public static GatewayError internal(String message) {
        return new GatewayError(500, "internal_error", message, null, null, null);
    }

    public static GatewayError unavailable(String message) {
        return new GatewayError(503, "service_unavailable", message, null, null, null);
    }

    /**
     * 400: the model exists, but routing filtered out every endpoint (prompt over every context
     * window, a required parameter none supports, the client's provider preferences, ...). No retry
     * can change that, so it is not a retryable 503 (DESIGN.md §4). Metadata lists who was excluded and why.
     */
    public static GatewayError noEndpoint(String models, List<Rejection> rejections) {
        ObjectNode metadata = Json.object();
        metadata.put("error_type", "no_endpoint_can_serve");
        metadata.set("rejections", rejectionsJson(rejections));
        return new GatewayError(400, "invalid_request_error",
                "No endpoint of " + models + " can serve this request" + commonReason(rejections)
                        + " (see metadata.rejections)", null, metadata, null);
    }

    /** When every endpoint was left out for the same reason (an image for a text-only model), that reason. */
    private static String commonReason(List<Rejection> rejections) {
        List<String> details = rejections.stream().map(Rejection::detail).distinct().toList();
        return details.size() == 1 ? ": " + details.getFirst() : "";
    }

    static ArrayNode rejectionsJson(List<Rejection> rejections) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (Rejection r : rejections) {
            list.addObject()
                    .put("model", r.endpoint().model().value())
                    .put("provider", r.endpoint().provider().value())
                    .put("reason", r.reason())
                    .put("message", r.detail());
        }
        return list;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public JsonNode metadata() {
        return metadata;
    }

    /** Extra response headers (Retry-After on 429). */
    public Map<String, String> headers() {
        return headers;
    }

    public ObjectNode body() {
        return ErrorBody.node(status, type, getMessage(), param, metadata);
    }

    public byte[] bodyBytes() {
        return Json.bytes(body());
    }
}
