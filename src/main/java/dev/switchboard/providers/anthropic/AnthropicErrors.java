package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.catalog.EndpointId;
import dev.switchboard.protocol.Json;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.http.UpstreamText;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads Anthropic error bodies, {@code {"type": "error", "error": {"type", "message"},
 * "request_id"}} (errors.md), into the failure the gateway decides on. The HTTP status decides
 * about fallback, as for every provider: 5xx, including 529 {@code overloaded_error}, and 429
 * are tried elsewhere. The error type ({@code invalid_request_error}, {@code rate_limit_error},
 * ...) becomes the failure's type, which OpenAI clients read the same way. A body that is not
 * Anthropic's (a proxy's HTML page, plain text) still gives a message.
 */
final class AnthropicErrors {
    private static final int MAX_MESSAGE = 1_000;
    static final int OVERLOADED = 529;

    private AnthropicErrors() {
    }

    static UpstreamFailure.ErrorStatus parse(EndpointId endpoint, int status, byte[] body, Duration retryAfter) {
        JsonNode root = readObject(body);
        JsonNode error = root == null ? null : root.get("error");
        if (error == null || !error.isObject()) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            return new UpstreamFailure.ErrorStatus(endpoint, status,
                    UpstreamText.describe(endpoint, status, body), null, null, null, retryAfter, null);
        }
        String type = error.path("type").asText(null);
        String message = error.path("message").asText("");
        if (message.isBlank()) {
            message = type != null ? type : "HTTP " + status + " from provider";
        }
        // overloaded is transient whatever status carried it (errors.md gives it 529): let the gateway fall back
        int effective = "overloaded_error".equals(type) && status < 500 ? OVERLOADED : status;
        return new UpstreamFailure.ErrorStatus(endpoint, effective, truncate(message), type, null, null, retryAfter, null);
    }

    private static JsonNode readObject(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String truncate(String message) {
        return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "...";
    }
}
